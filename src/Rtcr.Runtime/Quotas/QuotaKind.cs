namespace Rtcr.Quotas;

/// <summary>The two resources Genode accounts for.</summary>
public enum QuotaKind
{
    /// <summary>Bytes of RAM (<c>ram_quota</c>).</summary>
    Ram,
    /// <summary>Capabilities (<c>cap_quota</c>).</summary>
    Caps,
}
