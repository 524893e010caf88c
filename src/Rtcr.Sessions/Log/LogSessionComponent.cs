using Rtcr.Time;

namespace Rtcr.Sessions;

/// <summary>
/// Core's LOG session: forwards lines, tagged with the session label, to a sink. With a clock and a
/// <see cref="LogRateLimit"/> a session that floods is throttled: excess lines are dropped and counted
/// (<see cref="DroppedLines"/>), never queued, so a flooding child cannot grow the parent's memory or
/// drown the other children's lines.
/// </summary>
public sealed class LogSessionComponent : ILogSession
{
    /// <summary>Longest line accepted, as Genode's LOG session limits its string argument.</summary>
    public const int MaxLineLength = 4096;

    private const long PerLine = 1_000_000; // bucket credit one line costs: lines x microseconds

    private readonly string _label;
    private readonly ILogSink _sink;
    private readonly IClock? _clock;
    private readonly LogRateLimit? _limit;
    private readonly Lock _lock = new();
    private long _credit, _refilledAt, _dropped, _unreported;

    /// <summary>Creates a session writing every line to <paramref name="sink"/> (no rate limit).</summary>
    public LogSessionComponent(string label, ILogSink sink)
    {
        _label = label;
        _sink = sink;
    }

    /// <summary>Creates a session whose lines are rate limited by <paramref name="limit"/> on <paramref name="clock"/>.</summary>
    public LogSessionComponent(string label, ILogSink sink, IClock clock, LogRateLimit limit) : this(label, sink)
    {
        _clock = clock;
        _limit = limit;
        _credit = limit.Burst * PerLine;
        _refilledAt = clock.NowMicroseconds;
    }

    /// <summary>The session's label (the client's label as the parent routed it).</summary>
    public string Label => _label;

    /// <summary>Lines dropped by the rate limit since the session was created.</summary>
    public long DroppedLines
    {
        get { lock (_lock) return _dropped; }
    }

    /// <inheritdoc />
    public void Write(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxLineLength)
            throw new ArgumentException($"LOG line of {text.Length} characters exceeds the limit of {MaxLineLength}", nameof(text));
        long unreported;
        lock (_lock)
        {
            if (!Admit()) return;
            unreported = _unreported;
            _unreported = 0;
        }
        if (unreported > 0)
            _sink.Write(_label, $"[log] {unreported} line{(unreported == 1 ? "" : "s")} dropped: more than {_limit!.Burst} at once or {_limit.LinesPerSecond} per second");
        _sink.Write(_label, text);
    }

    // Takes one line's credit from the bucket, refilled for the time passed; counts the line when there is none.
    private bool Admit()
    {
        if (_limit is null) return true;
        long now = _clock!.NowMicroseconds;
        long cap = _limit.Burst * PerLine;
        if (now > _refilledAt)
        {
            long elapsed = now - _refilledAt;
            // elapsed x rate may overflow for a session idle for long: then the bucket is full anyway.
            _credit = elapsed > cap / _limit.LinesPerSecond ? cap : Math.Min(cap, _credit + elapsed * _limit.LinesPerSecond);
            _refilledAt = now;
        }
        if (_credit >= PerLine)
        {
            _credit -= PerLine;
            return true;
        }
        _dropped++;
        _unreported++;
        return false;
    }

    /// <inheritdoc />
    public void Upgrade(long ramQuota, long capQuota) { }
}
