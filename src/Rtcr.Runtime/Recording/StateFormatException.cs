namespace Rtcr.Recording;

/// <summary>Recorded state could not be read: truncated, corrupt or of an unknown shape.</summary>
public sealed class StateFormatException(string message) : Exception(message);
