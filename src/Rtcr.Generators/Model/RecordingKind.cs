namespace Rtcr.Generators.Model;

/// <summary>What the recording attribute of a method asks the recorder to do.</summary>
internal enum RecordingKind
{
    Query,
    Creates,
    Destroys,
    Sets,
    Unsets,
    Upgrade,
    Captures,
}
