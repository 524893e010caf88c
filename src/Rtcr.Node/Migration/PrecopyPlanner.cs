namespace Rtcr.Node.Migration;

/// <summary>
/// Decides after each pre-copy round whether another round is worth it: stop when the dirty set left
/// could be sent within the downtime target, when the round limit is reached, or when rounds stop
/// converging (the child dirties memory as fast as it is sent, so the dirty set no longer shrinks).
/// </summary>
/// <param name="maxDowntime">The downtime target.</param>
/// <param name="maxRounds">Most pre-copy rounds (the first, full one included) before the final round.</param>
public sealed class PrecopyPlanner(TimeSpan maxDowntime, int maxRounds)
{
    /// <summary>A round shrinking the dirty set by less than this share of it does not converge.</summary>
    public const double MinShrink = 0.1;

    private long? _previousDirty;

    /// <summary>Why pre-copy stopped, once it has.</summary>
    public string? StopReason { get; private set; }

    /// <summary>The downtime a final round of <paramref name="dirtyBytes"/> would take at <paramref name="bytesPerSecond"/>.</summary>
    public static TimeSpan EstimateDowntime(long dirtyBytes, double bytesPerSecond) =>
        bytesPerSecond <= 0 ? TimeSpan.MaxValue : TimeSpan.FromSeconds(dirtyBytes / bytesPerSecond);

    /// <summary>Called after round <paramref name="round"/> (1-based); true when another pre-copy round should run.</summary>
    /// <param name="round">Rounds done so far.</param>
    /// <param name="dirtyBytes">Bytes dirtied since the round's copy.</param>
    /// <param name="estimatedDowntime">What the final round would take now.</param>
    public bool Continue(int round, long dirtyBytes, TimeSpan estimatedDowntime)
    {
        long? previous = _previousDirty;
        _previousDirty = dirtyBytes;
        if (estimatedDowntime <= maxDowntime) StopReason = $"estimated downtime {estimatedDowntime.TotalMilliseconds:F1} ms is within {maxDowntime.TotalMilliseconds:F1} ms";
        else if (round >= maxRounds) StopReason = $"reached {maxRounds} rounds";
        // The first round copies everything, so only deltas after it can show convergence.
        else if (round >= 2 && previous is long p && dirtyBytes > p * (1 - MinShrink)) StopReason = $"not converging: {dirtyBytes} dirty bytes after {p}";
        else return true;
        return false;
    }
}
