using Rtcr.Capabilities;
using Rtcr.Memory;
using Rtcr.Quotas;
using Rtcr.Tracking;

namespace Rtcr.Sessions;

/// <summary>Core's RAM session: allocates RAM dataspaces against the quota the client donated.</summary>
public sealed class RamSessionComponent : IRamSession, IDisposable
{
    private readonly ProtectionDomain _client;
    private readonly Dictionary<long, DataspaceMemory> _dataspaces = new();
    private readonly Lock _lock = new();
    private readonly DirtyTracker? _tracker;

    /// <summary>Creates the session with the donated quota.</summary>
    /// <param name="client">The PD the dataspaces are allocated for.</param>
    /// <param name="label">Session label, used in errors.</param>
    /// <param name="ramQuota">Donated RAM quota.</param>
    /// <param name="capQuota">Donated capability quota.</param>
    /// <param name="tracker">
    /// When given, every dataspace is a tracked (managed) dataspace of that tracker, for incremental
    /// checkpoints; the client sees the same size, capability type and addresses either way.
    /// </param>
    public RamSessionComponent(ProtectionDomain client, string label, long ramQuota, long capQuota, DirtyTracker? tracker = null)
    {
        _client = client;
        _tracker = tracker;
        Account = new QuotaAccount($"RAM session '{label}'", ramQuota, capQuota);
    }

    /// <summary>The session's quota account.</summary>
    public QuotaAccount Account { get; }

    /// <inheritdoc />
    public Cap<IDataspace> Alloc(long size, bool cached)
    {
        if (size <= 0) throw new ArgumentOutOfRangeException(nameof(size), size, "a dataspace has a positive size");
        long rounded = (size + RegionMap.PageSize - 1) & ~(RegionMap.PageSize - 1);
        Account.Withdraw(rounded, 1, _client.Label, $"RAM alloc of {size} bytes");
        DataspaceMemory ds = _tracker is null ? new RamDataspace(rounded) : _tracker.Allocate(rounded);
        Cap<IDataspace> cap;
        try
        {
            cap = _client.Install<IDataspace>(new DataspaceComponent(ds, writable: true));
        }
        catch
        {
            Release(ds);
            Account.Replenish(rounded, 1);
            throw;
        }
        lock (_lock) _dataspaces[_client.BadgeOf(cap)] = ds;
        return cap;
    }

    /// <inheritdoc />
    public void Free(Cap<IDataspace> dataspace)
    {
        long badge = _client.BadgeOf(dataspace);
        DataspaceMemory? ds;
        lock (_lock)
        {
            if (!_dataspaces.Remove(badge, out ds))
                throw new CapabilityException(CapabilityError.WrongType, _client.Label, dataspace.Index, "dataspace was not allocated by this RAM session");
        }
        DetachEverywhere(ds);
        _client.Free(dataspace);
        _client.Kernel.Objects.Remove(badge);
        long size = ds.Size;
        Release(ds);
        Account.Replenish(size, 1);
    }

    // Freeing attached memory detaches it first (as Genode's core does). The detaches go through the
    // region-map objects as the kernel table holds them, i.e. through their recorders, so a checkpoint
    // records them: otherwise a recorded attachment would name a dataspace that no longer exists and
    // the image could not be restored.
    private void DetachEverywhere(DataspaceMemory ds)
    {
        foreach (var map in _client.Kernel.Objects.OfType<IRegionMap>())
            foreach (var region in map.Map().Attachments)
                if (ReferenceEquals(region.Dataspace, ds)) map.Detach(region.Start);
    }

    /// <inheritdoc />
    public long Quota() => Account.Limit(QuotaKind.Ram);

    /// <inheritdoc />
    public long Used() => Account.Used(QuotaKind.Ram);

    /// <inheritdoc />
    public void RefAccount(Cap<IRamSession> account) => _ = _client.Invoke(account);

    /// <inheritdoc />
    public void TransferQuota(Cap<IRamSession> to, long amount)
    {
        var target = _client.Invoke(to); // checks the capability before any quota moves
        Account.Shrink(QuotaKind.Ram, amount, _client.Label, "RAM transfer_quota");
        target.Upgrade(amount, 0);
    }

    /// <inheritdoc />
    public void Upgrade(long ramQuota, long capQuota)
    {
        Account.Grow(ramQuota, capQuota);
    }

    /// <summary>Frees every dataspace (session closed).</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var ds in _dataspaces.Values) Release(ds);
            _dataspaces.Clear();
        }
    }

    private void Release(DataspaceMemory ds)
    {
        if (ds is TrackedDataspace tracked && _tracker is not null) _tracker.Free(tracked);
        else (ds as IDisposable)?.Dispose();
    }
}
