namespace Rtcr.Recording;

/// <summary>The latest call recorded under <paramref name="Key"/>.</summary>
/// <param name="Key">The record key (<c>[Sets]</c> key, extended by an argument or result where asked).</param>
/// <param name="Call">The call.</param>
public sealed record StateSetting(string Key, StateCall Call);
