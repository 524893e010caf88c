using Rtcr.Capabilities;

namespace Rtcr.Sessions;

/// <summary>Region-map session (Genode's <c>Rm_session</c>): creates region maps usable as managed dataspaces.</summary>
[RtcrSession("RM", RestoreOrder = 20)]
public interface IRmSession
{
    /// <summary>Creates a region map of <paramref name="size"/> bytes.</summary>
    [Creates] Cap<IRegionMap> Create(long size);

    /// <summary>Destroys a region map.</summary>
    [Destroys] void Destroy(Cap<IRegionMap> map);

    /// <summary>Adds quota donated by the client.</summary>
    [Upgrade] void Upgrade(long ramQuota, long capQuota);
}
