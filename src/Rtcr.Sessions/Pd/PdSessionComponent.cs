using Rtcr.Capabilities;
using Rtcr.Execution;
using Rtcr.Memory;
using Rtcr.Quotas;

namespace Rtcr.Sessions;

/// <summary>
/// Core's PD session: the session interface onto a protection domain. It owns the PD's address space
/// region map, with the stack area and linker area attached in it as managed dataspaces.
/// </summary>
public sealed class PdSessionComponent : IPdSession
{
    /// <summary>Size of every PD's virtual address space.</summary>
    public const long AddressSpaceSize = 1L << 40;
    /// <summary>Where the stack area is attached.</summary>
    public const long StackAreaBase = 0x40_0000_0000;
    /// <summary>Where the linker area is attached.</summary>
    public const long LinkerAreaBase = 0x50_0000_0000;
    /// <summary>Size of the stack and linker areas.</summary>
    public const long AreaSize = 0x1000_0000;

    private readonly ProtectionDomain _pd;
    private readonly RegionMapComponent _addressSpace, _stackArea, _linkerArea;
    private (Cap<IRegionMap> Cap, long Badge) _addressSpaceCap, _stackAreaCap, _linkerAreaCap;

    /// <summary>Creates the session for <paramref name="pd"/>.</summary>
    public PdSessionComponent(ProtectionDomain pd)
    {
        _pd = pd;
        var root = new RegionMap($"{pd.Label}:address-space", AddressSpaceSize);
        var stack = new RegionMap($"{pd.Label}:stack-area", AreaSize);
        var linker = new RegionMap($"{pd.Label}:linker-area", AreaSize);
        root.Attach(new ManagedDataspace(stack), at: StackAreaBase);
        root.Attach(new ManagedDataspace(linker), at: LinkerAreaBase);
        _addressSpace = new RegionMapComponent(root, pd);
        _stackArea = new RegionMapComponent(stack, pd);
        _linkerArea = new RegionMapComponent(linker, pd);
        Memory = new AddressSpace(root);
        pd.Memory = Memory;
    }

    /// <summary>The component's view of its address space.</summary>
    public AddressSpace Memory { get; }

    /// <inheritdoc />
    public Cap<ISignalSource> AllocSignalSource()
    {
        var ep = _pd.Entrypoint ?? throw new InvalidOperationException($"PD '{_pd.Label}' has no entrypoint to deliver signals to");
        return InstallCharged<ISignalSource>(new SignalSourceComponent(ep), "alloc_signal_source");
    }

    /// <inheritdoc />
    public void FreeSignalSource(Cap<ISignalSource> source) => FreeCharged(source);

    /// <inheritdoc />
    public Cap<ISignalContext> AllocContext(Cap<ISignalSource> source, string handler)
    {
        var target = _pd.Invoke(source).Target();
        return InstallCharged<ISignalContext>(new SignalContextComponent(new SignalContext(target, handler)), "alloc_context");
    }

    /// <inheritdoc />
    public void FreeContext(Cap<ISignalContext> context)
    {
        var freed = _pd.Invoke(context).Context();
        FreeCharged(context);
        freed.Revoke();
    }

    /// <inheritdoc />
    public void Submit(Cap<ISignalContext> context, int count) => _pd.Invoke(context).Context().Submit(count);

    /// <inheritdoc />
    public Cap<IRpcEntry> AllocRpcCap(string handler) => InstallCharged<IRpcEntry>(new RpcEntryComponent(handler), "alloc_rpc_cap");

    /// <inheritdoc />
    public void FreeRpcCap(Cap<IRpcEntry> entry) => FreeCharged(entry);

    /// <inheritdoc />
    public Cap<IRegionMap> AddressSpace() => InstallOnce(ref _addressSpaceCap, _addressSpace);

    /// <inheritdoc />
    public Cap<IRegionMap> StackArea() => InstallOnce(ref _stackAreaCap, _stackArea);

    /// <inheritdoc />
    public Cap<IRegionMap> LinkerArea() => InstallOnce(ref _linkerAreaCap, _linkerArea);

    /// <inheritdoc />
    public void RefAccount(Cap<IPdSession> account) => _ = _pd.Invoke(account).Domain();

    /// <inheritdoc />
    public void TransferQuota(Cap<IPdSession> to, long ramQuota, long capQuota)
    {
        var target = _pd.Invoke(to).Domain();
        // Check both before moving either, so a failing transfer leaves both accounts unchanged.
        long ramLeft = _pd.Quota.Available(QuotaKind.Ram), capLeft = _pd.Quota.Available(QuotaKind.Caps);
        if (capQuota > capLeft)
            throw new QuotaExceededException(QuotaKind.Caps, _pd.Label, _pd.Label, capQuota, _pd.Quota.Used(QuotaKind.Caps), _pd.Quota.Limit(QuotaKind.Caps), $"transfer_quota to '{target.Label}'");
        if (ramQuota > ramLeft)
            throw new QuotaExceededException(QuotaKind.Ram, _pd.Label, _pd.Label, ramQuota, _pd.Quota.Used(QuotaKind.Ram), _pd.Quota.Limit(QuotaKind.Ram), $"transfer_quota to '{target.Label}'");
        _pd.Quota.Transfer(target.Quota, QuotaKind.Ram, ramQuota, _pd.Label);
        _pd.Quota.Transfer(target.Quota, QuotaKind.Caps, capQuota, _pd.Label);
    }

    /// <inheritdoc />
    public long RamQuota() => _pd.Quota.Limit(QuotaKind.Ram);

    /// <inheritdoc />
    public long UsedRam() => _pd.Quota.Used(QuotaKind.Ram);

    /// <inheritdoc />
    public long CapQuota() => _pd.Quota.Limit(QuotaKind.Caps);

    /// <inheritdoc />
    public long UsedCaps() => _pd.Quota.Used(QuotaKind.Caps);

    /// <inheritdoc />
    public void Upgrade(long ramQuota, long capQuota)
    {
        _pd.Quota.Grow(ramQuota, capQuota);
    }

    /// <inheritdoc />
    public ProtectionDomain Domain() => _pd;

    private Cap<T> InstallOnce<T>(ref (Cap<T> Cap, long Badge) cached, T obj) where T : class
    {
        if (cached.Badge == 0)
        {
            var cap = _pd.Install(obj);
            cached = (cap, _pd.BadgeOf(cap));
        }
        else cached.Cap = _pd.Reinstall(cached.Cap, cached.Badge);
        return cached.Cap;
    }

    private Cap<T> InstallCharged<T>(T obj, string operation) where T : class
    {
        _pd.Quota.Withdraw(QuotaKind.Caps, 1, _pd.Label, operation);
        try
        {
            return _pd.Install(obj);
        }
        catch
        {
            _pd.Quota.Replenish(QuotaKind.Caps, 1);
            throw;
        }
    }

    private void FreeCharged<T>(Cap<T> cap) where T : class
    {
        long badge = _pd.Free(cap);
        _pd.Kernel.Objects.Remove(badge);
        _pd.Quota.Replenish(QuotaKind.Caps, 1);
    }
}
