namespace Rtcr.Sessions;

/// <summary>
/// How many lines one LOG session may write: a token bucket on the kernel clock (virtual time in
/// deterministic runs, so what is dropped is deterministic too). A session may write <see cref="Burst"/>
/// lines at once and <see cref="LinesPerSecond"/> lines per second on average; lines beyond that are
/// dropped and counted, and the next line that gets through is preceded by one line saying how many were
/// dropped. A child cannot get around the limit by opening more sessions for free: each LOG session
/// costs session quota.
/// </summary>
public sealed record LogRateLimit
{
    /// <summary>The default: 10 000 lines at once, 10 000 lines per second.</summary>
    public static LogRateLimit Default { get; } = new();

    /// <summary>No limit (every line is written).</summary>
    public static LogRateLimit Unlimited { get; } = new() { LinesPerSecond = long.MaxValue / 2_000_000, Burst = long.MaxValue / 2_000_000 };

    /// <summary>Lines per second a session may write on average.</summary>
    public long LinesPerSecond
    {
        get => _linesPerSecond;
        init => _linesPerSecond = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(LinesPerSecond), value, "must be positive");
    }

    /// <summary>Lines a session may write at once (the bucket's size).</summary>
    public long Burst
    {
        get => _burst;
        init => _burst = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(Burst), value, "must be positive");
    }

    private readonly long _linesPerSecond = 10_000;
    private readonly long _burst = 10_000;
}
