namespace Rtcr.Samples;

/// <summary>How <see cref="MemoryWriter"/> picks addresses.</summary>
public enum WritePattern
{
    /// <summary>One word after the other, wrapping around.</summary>
    Sequential = 0,
    /// <summary>Uniformly random words.</summary>
    Random = 1,
    /// <summary>90% of writes in the first 10% of the working set, the rest uniform.</summary>
    Hotspot = 2,
    /// <summary>
    /// Sweeps over the pages: write number w stores the sweep number w / pages + 1 in the first word of
    /// page w % pages (QEMU's migration test pattern), so <see cref="StampCheck"/> can tell from the
    /// write count alone what every page must hold, and a page a migration missed shows as a stale stamp.
    /// </summary>
    Stamp = 3,
}
