using Rtcr.Capabilities;
using Rtcr.Execution;
using Rtcr.Memory;
using Rtcr.Services;

namespace Rtcr.Sessions;

/// <summary>
/// A component's environment (Genode's <c>Env</c>): its PD, entrypoint, address space, the four
/// environment sessions and its parent. Holds no component state; capability indices are stable
/// across restore because restore rebuilds the capability space at the old indices.
/// </summary>
public sealed class Env
{
    internal Env(Parent parent, ProtectionDomain pd, Entrypoint ep, EnvCaps caps)
    {
        Parent = parent;
        Domain = pd;
        Entrypoint = ep;
        Caps = caps;
    }

    /// <summary>The parent that routes this component's session requests.</summary>
    public Parent Parent { get; }

    /// <summary>The component's protection domain.</summary>
    public ProtectionDomain Domain { get; }

    /// <summary>The component's entrypoint.</summary>
    public Entrypoint Entrypoint { get; }

    /// <summary>Indices of the environment sessions in the component's capability space.</summary>
    public EnvCaps Caps { get; }

    /// <summary>The component's label.</summary>
    public string Label => Domain.Label;

    /// <summary>The component's address space.</summary>
    public AddressSpace Memory => Domain.Memory ?? throw new InvalidOperationException($"'{Label}' has no address space");

    /// <summary>The PD session.</summary>
    public IPdSession Pd => Invoke(Caps.Pd);

    /// <summary>The RAM session.</summary>
    public IRamSession Ram => Invoke(Caps.Ram);

    /// <summary>The CPU session.</summary>
    public ICpuSession Cpu => Invoke(Caps.Cpu);

    /// <summary>The RM session.</summary>
    public IRmSession Rm => Invoke(Caps.Rm);

    /// <summary>The current time of the kernel clock, in microseconds.</summary>
    public long NowMicroseconds => Domain.Kernel.Clock.NowMicroseconds;

    /// <summary>Invokes a capability of this component.</summary>
    public T Invoke<T>(Cap<T> cap) where T : class => Domain.Invoke(cap);

    /// <summary>Requests a session from the parent; the label is prefixed with the component's label.</summary>
    public Cap<T> Session<T>(string service, string label = "", long ramQuota = 8 * 1024, long capQuota = 4) where T : class =>
        Parent.Session<T>(Domain, service, new SessionArgs(label.Length == 0 ? Label : $"{Label} -> {label}", ramQuota, capQuota));

    /// <summary>
    /// Upgrades one of this component's sessions with quota from its PD, through the parent
    /// (e.g. <c>env.Upgrade(log, 4096, 0, (s, ram, caps) =&gt; s.Upgrade(ram, caps))</c>).
    /// </summary>
    public void Upgrade<T>(Cap<T> session, long ramQuota, long capQuota, Action<T, long, long> upgrade) where T : class =>
        Parent.Upgrade(Domain, session, ramQuota, capQuota, upgrade);

    /// <summary>Whether <paramref name="length"/> bytes at <paramref name="address"/> lie inside one region attached to the component's address space (a writable one when <paramref name="writable"/>).</summary>
    public bool IsAttached(long address, long length, bool writable = false) =>
        length >= 0 && Domain.Memory is { } memory && memory.Root.Attachments.Any(a => address >= a.Start && address <= a.End - length && (a.Writable || !writable));

    /// <summary>Whether capability slot <paramref name="index"/> holds an object implementing <typeparamref name="T"/> (checks a restored state without invoking it).</summary>
    public bool Holds<T>(int index) where T : class =>
        Domain.Caps.TryLookup(index, out long badge) && Domain.Kernel.Objects.TryGet(badge, out var obj) && obj is T;

    /// <summary>Allocates a RAM dataspace and attaches it at <paramref name="at"/> (or anywhere when null); returns the address.</summary>
    public long AllocAndAttach(long size, long? at = null)
    {
        var ds = Ram.Alloc(size, cached: true);
        return Invoke(Pd.AddressSpace()).Attach(ds.As<IDataspace>(), 0, 0, at ?? -1, writable: true, executable: false);
    }

    /// <summary>Attaches a ROM module read-only and returns its content (up to the first NUL) as text.</summary>
    public string ReadRom(Cap<IRomSession> rom)
    {
        var session = Invoke(rom);
        var ds = session.Dataspace();
        long size = Invoke(ds).Size();
        var space = Invoke(Pd.AddressSpace());
        long at = space.Attach(ds, 0, 0, -1, writable: false, executable: false);
        try
        {
            var bytes = new byte[size];
            Memory.Read(at, bytes);
            int end = Array.IndexOf(bytes, (byte)0);
            return System.Text.Encoding.UTF8.GetString(bytes, 0, end < 0 ? bytes.Length : end);
        }
        finally
        {
            space.Detach(at);
        }
    }
}
