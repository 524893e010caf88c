namespace Rtcr.Tracking;

/// <summary>
/// Parameters of adaptive granularity. Each block of <see cref="TrackingOptions.MaxGranularity"/>
/// bytes of a tracked dataspace has one designated-dataspace size; at every checkpoint the block's
/// fault pattern of the ended epoch decides whether it halves (spread writes: a smaller size copies
/// fewer clean bytes) or doubles (dense writes: a larger size takes fewer faults for the same bytes).
/// The decision compares estimated costs: a fault costs <see cref="FaultCostNanoseconds"/>, a copied
/// byte <see cref="CopyCostNanosecondsPerKiB"/>/1024.
/// </summary>
public sealed record AdaptiveGranularity
{
    /// <summary>Estimated cost of one tracking fault (trap, handler, attach, retry).</summary>
    public double FaultCostNanoseconds { get; init; } = 4_000;

    /// <summary>Estimated cost of copying one KiB into a checkpoint (memcpy plus writing it out).</summary>
    public double CopyCostNanosecondsPerKiB { get; init; } = 250;

    /// <summary>Epochs in a row a block must favour the larger size before it merges.</summary>
    public int MergeAfter { get; init; } = 2;

    /// <summary>Epochs in a row a block must favour the smaller size before it splits.</summary>
    public int SplitAfter { get; init; } = 2;

    /// <summary>
    /// A block splits when fewer than this share of its dirty designated dataspaces have a dirty
    /// buddy (the writes are spread, so halves would mostly be clean).
    /// </summary>
    public double SplitWhenPairedBelow { get; init; } = 0.25;
}
