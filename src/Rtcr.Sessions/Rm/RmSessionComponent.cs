using Rtcr.Capabilities;
using Rtcr.Memory;
using Rtcr.Quotas;

namespace Rtcr.Sessions;

/// <summary>Core's RM session: creates region maps for managed dataspaces.</summary>
public sealed class RmSessionComponent(ProtectionDomain client, string label, long ramQuota, long capQuota) : IRmSession
{
    private int _created;

    /// <summary>The session's quota account (each region map costs one capability).</summary>
    public QuotaAccount Account { get; } = new($"RM session '{label}'", ramQuota, capQuota);

    /// <inheritdoc />
    public Cap<IRegionMap> Create(long size)
    {
        Account.Withdraw(QuotaKind.Caps, 1, client.Label, "RM create");
        int n = Interlocked.Increment(ref _created);
        try
        {
            return client.Install<IRegionMap>(new RegionMapComponent(new RegionMap($"{client.Label}:rm{n}", size), client));
        }
        catch
        {
            Account.Replenish(QuotaKind.Caps, 1);
            throw;
        }
    }

    /// <inheritdoc />
    public void Destroy(Cap<IRegionMap> map)
    {
        _ = client.Invoke(map);
        long badge = client.Free(map);
        client.Kernel.Objects.Remove(badge);
        Account.Replenish(QuotaKind.Caps, 1);
    }

    /// <inheritdoc />
    public void Upgrade(long ramQuota, long capQuota)
    {
        Account.Grow(ramQuota, capQuota);
    }
}
