namespace Rtcr.Generators.Model;

/// <summary>Fully qualified names of the three types generated for one interface.</summary>
internal sealed record GeneratedNames(string Recorder, string State, string Replayer);
