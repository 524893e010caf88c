namespace Rtcr.Sessions;

/// <summary>
/// When an incremental checkpoint is a delta and when it is a full image again. A long chain makes
/// restore read and fold every link, and deltas that together hold more bytes than the child's
/// memory cost more to restore than a full image would; either starts a new chain.
/// </summary>
public sealed record IncrementalPolicy
{
    /// <summary>Deltas after a full image before the next full image (16: restore folds at most 17 files).</summary>
    public int MaxChainLength { get; init; } = 16;

    /// <summary>
    /// A full image is taken once the chain's deltas would hold more than this share of the child's
    /// memory (1.0: when the deltas together are as large as one full image).
    /// </summary>
    public double MaxDeltaShare { get; init; } = 1.0;
}
