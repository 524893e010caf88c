namespace Rtcr.Time;

/// <summary>The kernel's notion of time, in microseconds since the kernel started.</summary>
public interface IClock
{
    /// <summary>Current time in microseconds.</summary>
    long NowMicroseconds { get; }

    /// <summary>Whether time only moves when the host advances it (deterministic runs).</summary>
    bool IsVirtual { get; }
}
