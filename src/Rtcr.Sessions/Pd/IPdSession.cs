using Rtcr.Capabilities;

namespace Rtcr.Sessions;

/// <summary>
/// Protection domain session (Genode's <c>Pd_session</c>): signal sources and contexts, RPC
/// capabilities, the PD's address space, stack area and linker area, and quota accounting.
/// </summary>
[RtcrSession("PD", RestoreOrder = 0)]
[CapturedBy(typeof(PdQuotaHook))]
public interface IPdSession
{
    /// <summary>Allocates a signal source (delivering to the component's entrypoint).</summary>
    [Creates] Cap<ISignalSource> AllocSignalSource();

    /// <summary>Frees a signal source.</summary>
    [Destroys] void FreeSignalSource(Cap<ISignalSource> source);

    /// <summary>Allocates a signal context at <paramref name="source"/> that calls the handler named <paramref name="handler"/>.</summary>
    [Creates] Cap<ISignalContext> AllocContext(Cap<ISignalSource> source, string handler);

    /// <summary>Frees a signal context.</summary>
    [Destroys] void FreeContext(Cap<ISignalContext> context);

    /// <summary>Submits <paramref name="count"/> signals to a context.</summary>
    [Query] void Submit(Cap<ISignalContext> context, int count);

    /// <summary>Allocates an RPC entry capability for the named RPC handler.</summary>
    [Creates] Cap<IRpcEntry> AllocRpcCap(string handler);

    /// <summary>Frees an RPC entry capability.</summary>
    [Destroys] void FreeRpcCap(Cap<IRpcEntry> entry);

    /// <summary>The PD's address space (a region map). Repeated calls return the same capability.</summary>
    [Creates] Cap<IRegionMap> AddressSpace();

    /// <summary>The PD's stack area (a region map attached in the address space).</summary>
    [Creates] Cap<IRegionMap> StackArea();

    /// <summary>The PD's linker area (a region map attached in the address space).</summary>
    [Creates] Cap<IRegionMap> LinkerArea();

    /// <summary>Sets the account this PD's quota is transferred from and to.</summary>
    [Sets("ref_account")] void RefAccount(Cap<IPdSession> account);

    /// <summary>Moves unused quota to another PD (its reference account or a child).</summary>
    [Captures] void TransferQuota(Cap<IPdSession> to, long ramQuota, long capQuota);

    /// <summary>RAM quota limit of the PD.</summary>
    [Query] long RamQuota();

    /// <summary>RAM quota used.</summary>
    [Query] long UsedRam();

    /// <summary>Capability quota limit of the PD.</summary>
    [Query] long CapQuota();

    /// <summary>Capability quota used.</summary>
    [Query] long UsedCaps();

    /// <summary>Adds quota donated by the client.</summary>
    [Upgrade] void Upgrade(long ramQuota, long capQuota);

    /// <summary>The protection domain behind the session (for the parent and hooks).</summary>
    [Query] ProtectionDomain Domain();
}
