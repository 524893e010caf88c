namespace Rtcr.Memory;

/// <summary>Fault state of a region map: what kind of access faulted and at which address (relative to the map).</summary>
public readonly record struct RegionMapState(FaultType Type, long Address);
