using Rtcr.Tracking;

namespace Rtcr.Benchmarks.Tracking;

/// <summary>One tracking configuration of the sweep: the mode and a fixed or adaptive granularity.</summary>
/// <param name="Mode">Write or access tracking.</param>
/// <param name="Granularity">The fixed size of a designated dataspace, or the start size when adaptive.</param>
/// <param name="Adaptive">Whether designated dataspaces split and merge with the observed faults.</param>
public sealed record TrackedSetup(TrackingMode Mode, long Granularity, bool Adaptive)
{
    /// <summary>Short label for the tables, e.g. "write 64K" or "write adaptive".</summary>
    public string Label => $"{(Mode == TrackingMode.Write ? "write" : "access")} {(Adaptive ? "adaptive" : SizeLabel(Granularity))}";

    /// <summary>The tracking options a child is started with.</summary>
    public TrackingOptions ToOptions() => new()
    {
        Mode = Mode,
        Granularity = Granularity,
        Adaptive = Adaptive ? new AdaptiveGranularity() : null,
    };

    /// <summary>4K, 64K, 1M, ...</summary>
    public static string SizeLabel(long bytes) => bytes >= 1 << 20 ? $"{bytes >> 20}M" : $"{bytes >> 10}K";
}
