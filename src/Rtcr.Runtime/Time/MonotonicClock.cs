using System.Diagnostics;

namespace Rtcr.Time;

/// <summary>Real time from the monotonic high-resolution counter.</summary>
public sealed class MonotonicClock : IClock
{
    private readonly long _start = Stopwatch.GetTimestamp();
    private readonly long _offset;

    /// <summary>Creates a clock that starts at <paramref name="startMicroseconds"/>.</summary>
    public MonotonicClock(long startMicroseconds = 0) => _offset = startMicroseconds;

    /// <inheritdoc />
    public long NowMicroseconds => _offset + (long)Stopwatch.GetElapsedTime(_start).TotalMicroseconds;

    /// <inheritdoc />
    public bool IsVirtual => false;
}
