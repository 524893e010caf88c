using Rtcr.Capabilities;
using Rtcr.Memory;

namespace Rtcr.Sessions;

/// <summary>A region map (Genode's <c>Region_map</c>): attach and detach dataspaces, handle faults.</summary>
[RtcrRpcObject]
public interface IRegionMap
{
    /// <summary>
    /// Attaches <paramref name="size"/> bytes (0 = all) of a dataspace from <paramref name="offset"/> at
    /// <paramref name="at"/> (-1 = any free address); returns the address.
    /// </summary>
    [Sets("region", KeyFromResult = true)]
    long Attach(Cap<IDataspace> dataspace, long size, long offset, [ReplayWithResult] long at, bool writable, bool executable);

    /// <summary>Detaches the region attached at <paramref name="at"/>.</summary>
    [Unsets("region", KeyArg = "at")] void Detach(long at);

    /// <summary>Installs the signal context notified of faults.</summary>
    [Sets("fault_handler")] void FaultHandler(Cap<ISignalContext> handler);

    /// <summary>The fault state.</summary>
    [Query] RegionMapState State();

    /// <summary>This region map as a managed dataspace.</summary>
    [Creates] Cap<IDataspace> Dataspace();

    /// <summary>The kernel region map behind the capability.</summary>
    [Query] RegionMap Map();
}
