namespace Rtcr.Memory;

/// <summary>
/// The memory behind a dataspace: either RAM (<see cref="RamDataspace"/>) or a region map used as a
/// dataspace (<see cref="ManagedDataspace"/>).
/// </summary>
public abstract class DataspaceMemory
{
    private readonly List<RegionMap> _attachedIn = new();
    private readonly Lock _lock = new();

    /// <summary>Size in bytes.</summary>
    public abstract long Size { get; }

    /// <summary>
    /// The RAM that holds this dataspace's bytes as the child sees them, or null when there is no
    /// such single block (a plain managed dataspace). A RAM dataspace is its own content; a tracked
    /// dataspace's content is its backing block, whatever designated dataspaces are attached.
    /// </summary>
    public virtual RamDataspace? ContentRam => null;

    internal void NoteAttached(RegionMap map)
    {
        lock (_lock) _attachedIn.Add(map);
    }

    internal void NoteDetached(RegionMap map)
    {
        lock (_lock) _attachedIn.Remove(map);
    }

    /// <summary>Detaches this dataspace from every region map it is attached in (before it is freed).</summary>
    protected void DetachEverywhere()
    {
        RegionMap[] maps;
        lock (_lock) maps = _attachedIn.ToArray();
        foreach (var map in maps) map.DetachAll(this);
    }
}
