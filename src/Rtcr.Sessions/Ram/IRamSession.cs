using Rtcr.Capabilities;

namespace Rtcr.Sessions;

/// <summary>RAM session (Genode's <c>Ram_session</c>): allocates RAM dataspaces against the session's quota.</summary>
[RtcrSession("RAM", RestoreOrder = 10)]
[CapturedBy(typeof(RamQuotaHook))]
public interface IRamSession
{
    /// <summary>Allocates a zeroed RAM dataspace of <paramref name="size"/> bytes.</summary>
    [Creates] Cap<IDataspace> Alloc(long size, bool cached);

    /// <summary>Frees a dataspace; it is detached everywhere first.</summary>
    [Destroys] void Free(Cap<IDataspace> dataspace);

    /// <summary>RAM quota limit.</summary>
    [Query] long Quota();

    /// <summary>RAM quota used.</summary>
    [Query] long Used();

    /// <summary>Sets the reference account for quota transfers.</summary>
    [Sets("ref_account")] void RefAccount(Cap<IRamSession> account);

    /// <summary>Moves unused quota to another RAM session.</summary>
    [Captures] void TransferQuota(Cap<IRamSession> to, long amount);

    /// <summary>Adds quota donated by the client.</summary>
    [Upgrade] void Upgrade(long ramQuota, long capQuota);
}
