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
}
