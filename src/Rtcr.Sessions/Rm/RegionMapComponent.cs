using Rtcr.Capabilities;
using Rtcr.Memory;

namespace Rtcr.Sessions;

/// <summary>Core's region map capability object: resolves dataspace capabilities of its client and attaches their memory.</summary>
internal sealed class RegionMapComponent(RegionMap map, ProtectionDomain client) : IRegionMap
{
    private Cap<IDataspace> _dataspaceCap;
    private long _dataspaceBadge;

    public long Attach(Cap<IDataspace> dataspace, long size, long offset, long at, bool writable, bool executable)
    {
        var ds = client.Invoke(dataspace);
        if (writable && !ds.Writable())
            throw new RegionConflictException(map.Label, $"dataspace {dataspace} is read-only and cannot be attached writable");
        return map.Attach(ds.Memory(), size, offset, at < 0 ? null : at, writable, executable);
    }

    public void Detach(long at) => map.Detach(at);

    public void FaultHandler(Cap<ISignalContext> handler) =>
        map.SetFaultHandler(handler.IsValid ? client.Invoke(handler).Context() : null);

    public RegionMapState State() => map.State();

    public Cap<IDataspace> Dataspace()
    {
        if (_dataspaceBadge != 0) return _dataspaceCap = client.Reinstall(_dataspaceCap, _dataspaceBadge);
        _dataspaceCap = client.Install<IDataspace>(new DataspaceComponent(new ManagedDataspace(map), writable: true));
        _dataspaceBadge = client.BadgeOf(_dataspaceCap);
        return _dataspaceCap;
    }

    public RegionMap Map() => map;
}
