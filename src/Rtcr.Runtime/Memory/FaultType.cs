namespace Rtcr.Memory;

/// <summary>Kind of the last page fault of a region map (Genode's <c>Region_map::State</c>).</summary>
public enum FaultType
{
    /// <summary>No fault is pending.</summary>
    None,
    /// <summary>A read hit an unmapped address.</summary>
    Read,
    /// <summary>A write hit an unmapped or read-only address.</summary>
    Write,
}
