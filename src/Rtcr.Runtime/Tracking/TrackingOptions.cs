namespace Rtcr.Tracking;

/// <summary>How a child's RAM is tracked for incremental checkpoints.</summary>
public sealed record TrackingOptions
{
    /// <summary>Smallest designated dataspace (one page).</summary>
    public const long SmallestGranularity = 4 * 1024;

    /// <summary>Largest designated dataspace.</summary>
    public const long LargestGranularity = 4 * 1024 * 1024;

    /// <summary>Write tracking (default) or access tracking.</summary>
    public TrackingMode Mode { get; init; } = TrackingMode.Write;

    /// <summary>Size of a designated dataspace: a power of two from 4 KiB to 4 MiB.</summary>
    public long Granularity { get; init; } = 64 * 1024;

    /// <summary>
    /// Per-dataspace granularity: receives the allocation's ordinal (0 = the child's first RAM
    /// allocation) and size, returns a granularity or null for <see cref="Granularity"/>.
    /// </summary>
    public Func<int, long, long?>? GranularityFor { get; init; }

    /// <summary>When set, designated dataspaces split and merge with the observed faults, starting at <see cref="Granularity"/>.</summary>
    public AdaptiveGranularity? Adaptive { get; init; }

    /// <summary>Smallest size adaptive mode splits down to.</summary>
    public long MinGranularity { get; init; } = SmallestGranularity;

    /// <summary>Largest size adaptive mode merges up to (also the size of an adaptive block).</summary>
    public long MaxGranularity { get; init; } = LargestGranularity;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        CheckSize(nameof(Granularity), Granularity);
        CheckSize(nameof(MinGranularity), MinGranularity);
        CheckSize(nameof(MaxGranularity), MaxGranularity);
        if (MinGranularity > MaxGranularity)
            throw new ArgumentException($"{nameof(MinGranularity)} ({MinGranularity}) is larger than {nameof(MaxGranularity)} ({MaxGranularity})");
        if (Adaptive is not null && (Granularity < MinGranularity || Granularity > MaxGranularity))
            throw new ArgumentException($"adaptive granularity starts at {Granularity} bytes, outside [{MinGranularity}, {MaxGranularity}]");
    }

    /// <summary>Throws unless <paramref name="size"/> is a power of two from 4 KiB to 4 MiB.</summary>
    public static void CheckSize(string what, long size)
    {
        if (size < SmallestGranularity || size > LargestGranularity || (size & (size - 1)) != 0)
            throw new ArgumentException($"{what} must be a power of two from 4 KiB to 4 MiB, not {size} bytes");
    }
}
