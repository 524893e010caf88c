namespace Rtcr.Time;

/// <summary>
/// Deterministic time: it stands still until the kernel advances it, so two runs fed the same
/// advances see the same times and a restored run is comparable byte for byte with an uninterrupted one.
/// </summary>
public sealed class VirtualClock : IClock
{
    private long _now;

    /// <summary>Creates a clock at the given time.</summary>
    public VirtualClock(long startMicroseconds = 0) => _now = startMicroseconds;

    /// <inheritdoc />
    public long NowMicroseconds => Volatile.Read(ref _now);

    /// <inheritdoc />
    public bool IsVirtual => true;

    /// <summary>Moves time forward (never backward).</summary>
    internal void Set(long microseconds)
    {
        if (microseconds < _now)
            throw new InvalidOperationException($"virtual time cannot go backwards ({_now} us -> {microseconds} us)");
        Volatile.Write(ref _now, microseconds);
    }
}
