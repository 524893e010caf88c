using Rtcr.Capabilities;
using Rtcr.Quotas;

namespace Rtcr;

/// <summary>
/// A protection domain: a capability space plus a quota account. Components hold only slot indices;
/// every invocation goes through <see cref="Invoke{T}"/>, which checks bounds, liveness and type.
/// </summary>
public sealed class ProtectionDomain
{
    internal ProtectionDomain(Kernel kernel, string label, int capacity, long ramQuota, long capQuota)
    {
        Kernel = kernel;
        Label = label;
        Caps = new CapabilitySpace(label, capacity);
        Quota = new QuotaAccount(label, ramQuota, capQuota);
    }

    /// <summary>The kernel the PD lives in.</summary>
    public Kernel Kernel { get; }

    /// <summary>Label of the PD (its component's name).</summary>
    public string Label { get; }

    /// <summary>The capability space.</summary>
    public CapabilitySpace Caps { get; }

    /// <summary>RAM and capability quota of the PD.</summary>
    public QuotaAccount Quota { get; }

    /// <summary>Registers a new RPC object and installs a capability for it in this PD.</summary>
    public Cap<T> Install<T>(T obj) where T : class
    {
        long badge = Kernel.Objects.Register(obj);
        try
        {
            return new Cap<T>(Caps.Allocate(badge));
        }
        catch
        {
            Kernel.Objects.Remove(badge);
            throw;
        }
    }

    /// <summary>Installs a capability for an existing object (delegation) in the lowest free slot.</summary>
    public Cap<T> InstallBadge<T>(long badge) where T : class
    {
        if (!Kernel.Objects.TryGet(badge, out _))
            throw new CapabilityException(CapabilityError.Stale, Label, -1, $"badge {badge} names no live object");
        return new Cap<T>(Caps.Allocate(badge));
    }

    /// <summary>Resolves a capability to the object it names, checking bounds, liveness and type.</summary>
    public T Invoke<T>(Cap<T> cap) where T : class
    {
        object obj = Resolve(cap.Index, cap.IsValid);
        return obj as T ?? throw new CapabilityException(CapabilityError.WrongType, Label, cap.Index,
            $"object is a {Describe(obj)}, not a {typeof(T).Name}");
    }

    /// <summary>Whether the capability currently names a live object of type <typeparamref name="T"/>.</summary>
    public bool IsValid<T>(Cap<T> cap) where T : class
    {
        if (!cap.IsValid || (uint)cap.Index >= (uint)Caps.Capacity) return false;
        var snapshotBadge = Caps.Snapshot().FirstOrDefault(s => s.Index == cap.Index).Badge;
        return snapshotBadge != 0 && Kernel.Objects.TryGet(snapshotBadge, out var o) && o is T;
    }

    /// <summary>The badge a capability names.</summary>
    public long BadgeOf<T>(Cap<T> cap) where T : class
    {
        if (!cap.IsValid) throw new CapabilityException(CapabilityError.Invalid, Label, -1, "the invalid capability names no object");
        return Caps.Lookup(cap.Index);
    }

    /// <summary>Object behind a raw slot index (a parent reading the space).</summary>
    public object ResolveIndex(int index) => Resolve(index, true);

    /// <summary>Frees the slot of a capability (the object itself lives on).</summary>
    public long Free<T>(Cap<T> cap) where T : class
    {
        if (!cap.IsValid) throw new CapabilityException(CapabilityError.Invalid, Label, -1, "cannot free the invalid capability");
        return Caps.Free(cap.Index);
    }

    private object Resolve(int index, bool valid)
    {
        if (!valid) throw new CapabilityException(CapabilityError.Invalid, Label, -1, "the invalid capability cannot be invoked");
        long badge = Caps.Lookup(index);
        if (!Kernel.Objects.TryGet(badge, out var obj))
            throw new CapabilityException(CapabilityError.Stale, Label, index, $"badge {badge} names an object that no longer exists");
        return obj;
    }

    private static string Describe(object obj)
    {
        var iface = obj.GetType().GetInterfaces().FirstOrDefault(i => i.Namespace?.StartsWith("Rtcr", StringComparison.Ordinal) == true);
        return iface?.Name ?? obj.GetType().Name;
    }

    /// <inheritdoc />
    public override string ToString() => $"PD '{Label}' ({Caps.Used}/{Caps.Capacity} caps)";
}
