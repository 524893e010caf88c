namespace Rtcr.Memory;

/// <summary>A region map used as a dataspace: attaching it places a whole nested address space.</summary>
public class ManagedDataspace : DataspaceMemory
{
    /// <summary>Wraps a region map.</summary>
    public ManagedDataspace(RegionMap map) => Map = map;

    /// <summary>The nested region map.</summary>
    public RegionMap Map { get; }

    /// <inheritdoc />
    public override long Size => Map.Size;
}
