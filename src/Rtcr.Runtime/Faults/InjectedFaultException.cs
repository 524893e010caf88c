namespace Rtcr.Faults;

/// <summary>
/// A fault a <see cref="FaultPlan"/> injected. An <see cref="IOException"/>, because the faults it stands
/// for (disk full, fsync or rename failure, a broken pipe) are I/O errors to the code that meets them.
/// </summary>
public sealed class InjectedFaultException(FaultPoint point, string message) : IOException($"injected fault at {point}: {message}")
{
    /// <summary>Where it was injected.</summary>
    public FaultPoint Point { get; } = point;
}
