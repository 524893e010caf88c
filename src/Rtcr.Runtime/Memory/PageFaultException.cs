namespace Rtcr.Memory;

/// <summary>An access hit an address that no region covers and no fault handler resolved.</summary>
public sealed class PageFaultException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PageFaultException(string regionMap, FaultType type, long address, string reason)
        : base($"unresolved {type.ToString().ToLowerInvariant()} fault at 0x{address:x} in region map '{regionMap}': {reason}")
    {
        RegionMap = regionMap;
        Type = type;
        Address = address;
    }

    /// <summary>Label of the region map that faulted.</summary>
    public string RegionMap { get; }
    /// <summary>Read or write.</summary>
    public FaultType Type { get; }
    /// <summary>Address within that region map.</summary>
    public long Address { get; }
}
