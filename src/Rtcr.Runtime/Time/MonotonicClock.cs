using System.Diagnostics;

namespace Rtcr.Time;

/// <summary>Real time from the monotonic high-resolution counter.</summary>
public sealed class MonotonicClock : IClock
{
    private long _start = Stopwatch.GetTimestamp();
    private long _offset;

    /// <summary>Creates a clock that starts at <paramref name="startMicroseconds"/>.</summary>
    public MonotonicClock(long startMicroseconds = 0) => _offset = startMicroseconds;

    /// <inheritdoc />
    public long NowMicroseconds => Volatile.Read(ref _offset) + (long)Stopwatch.GetElapsedTime(Volatile.Read(ref _start)).TotalMicroseconds;

    /// <summary>
    /// Makes the clock read <paramref name="microseconds"/> now and run on from there. A restoring host
    /// calls it right before it thaws the restored child, so the time spent restoring does not reach
    /// the child as a jump; only valid while no running component observes the clock.
    /// </summary>
    public void Restart(long microseconds)
    {
        Volatile.Write(ref _start, Stopwatch.GetTimestamp());
        Volatile.Write(ref _offset, microseconds);
    }

    /// <inheritdoc />
    public bool IsVirtual => false;
}
