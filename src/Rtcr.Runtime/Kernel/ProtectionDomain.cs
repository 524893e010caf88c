using Rtcr.Capabilities;
using Rtcr.Checkpoint;
using Rtcr.Execution;
using Rtcr.Memory;
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

    /// <summary>The PD's address space as its threads and entrypoint access it (set by the PD session).</summary>
    public AddressSpace? Memory { get; set; }

    /// <summary>The component's entrypoint (where its signals are delivered), once it has one.</summary>
    public Entrypoint? Entrypoint { get; set; }

    /// <summary>
    /// The component's code: thread programs by name, as a loaded binary provides them. A CPU session
    /// creating a thread named N runs program N.
    /// </summary>
    public IDictionary<string, IThreadProgram> Programs { get; } = new Dictionary<string, IThreadProgram>(StringComparer.Ordinal);

    /// <summary>Threads running in this PD, in creation order.</summary>
    public IReadOnlyList<KernelThread> Threads
    {
        get { lock (_threads) return _threads.ToArray(); }
    }

    /// <summary>Whether the parent holds the PD frozen (new threads start frozen too).</summary>
    public bool IsFrozen { get; private set; }

    private readonly List<KernelThread> _threads = new();
    private readonly FreezeGate _gate = new(); // every thread of the PD stops at it while the PD is frozen

    /// <summary>The gate the PD's threads stop at while it is frozen.</summary>
    internal FreezeGate Gate => _gate;

    /// <summary>Adds a thread created for this PD (threads created while frozen start frozen).</summary>
    public void AddThread(KernelThread thread)
    {
        lock (_threads)
        {
            _threads.Add(thread);
            thread.JoinGate(_gate);
            if (IsFrozen) thread.WaitFrozen(Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Removes a thread (killed). It stays bound to the PD's freeze gate, so it does not run while the PD is frozen.</summary>
    public void RemoveThread(KernelThread thread)
    {
        lock (_threads) _threads.Remove(thread);
    }

    /// <summary>
    /// Stops the entrypoint and every thread at their next handler/step boundary and waits until they
    /// are there; the state read afterwards is consistent. Freezes nest: a checkpoint taken while the
    /// host holds the PD frozen leaves it frozen.
    /// </summary>
    public void Freeze() => Freeze(Timeout.InfiniteTimeSpan);

    /// <summary>
    /// Like <see cref="Freeze()"/>, but gives up after <paramref name="timeout"/>: every thread and the
    /// entrypoint are asked to stop at once and then waited for together (so freezing N threads costs
    /// about one step, not N), and when one of them is not at a boundary by the deadline the freeze is
    /// undone — the PD runs on exactly as before — and a <see cref="PauseTimeoutException"/> names what
    /// did not stop.
    /// </summary>
    /// <param name="timeout">How long to wait for the boundaries; <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</param>
    /// <exception cref="PauseTimeoutException">A thread or the entrypoint did not stop in time; the PD is not frozen.</exception>
    public void Freeze(TimeSpan timeout)
    {
        // Freeze/Thaw are serialised by their own lock; the waiting happens outside the thread list's
        // lock, so a handler that creates a thread while the freeze waits for it can finish.
        lock (_freezeLock)
        {
            KernelThread[] threads;
            Entrypoint? entrypoint;
            lock (_threads)
            {
                if (_freezeDepth++ > 0) return;
                IsFrozen = true;
                entrypoint = Entrypoint;
                entrypoint?.RequestPause();
                _gate.Close(); // one store asks every thread, however many
                threads = _threads.ToArray();
            }
            var deadline = WaitDeadline.After(timeout);
            List<string>? stuck = null;
            foreach (var t in threads)
                if (!t.WaitFrozen(deadline)) (stuck ??= new()).Add(t.Name);
            string? handler = null;
            if (entrypoint is not null && !entrypoint.WaitPaused(deadline))
                handler = entrypoint.RunningHandler ?? "(a handler)";
            if (stuck is null && handler is null) return;
            lock (_threads)
            {
                _freezeDepth--;
                IsFrozen = false;
                _gate.Open();
                entrypoint?.Resume();
            }
            throw new PauseTimeoutException(Label, timeout, stuck ?? [], entrypoint?.Name, handler);
        }
    }

    /// <summary>Undoes one <see cref="Freeze()"/>; the PD runs again when every freeze is undone.</summary>
    public void Thaw()
    {
        lock (_freezeLock)
        lock (_threads)
        {
            if (_freezeDepth == 0) throw new InvalidOperationException($"PD '{Label}' is not frozen");
            if (--_freezeDepth > 0) return;
            IsFrozen = false;
            _gate.Open(); // one pulse wakes every thread of the PD (FreezeGate says why not one at a time)
            Entrypoint?.Resume();
        }
    }

    private readonly object _freezeLock = new();
    private int _freezeDepth;

    /// <summary>Registers a new RPC object and installs a capability for it in this PD.</summary>
    public Cap<T> Install<T>(T obj) where T : class
    {
        long badge = Kernel.Objects.Register(obj, owner: this);
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
        if (!cap.IsValid || !Caps.TryLookup(cap.Index, out long badge)) return false;
        return Kernel.Objects.TryGet(badge, out var o) && o is T;
    }

    /// <summary>
    /// Returns <paramref name="cached"/> if it still names <paramref name="badge"/>, else the slot that
    /// holds the badge, else installs a new capability for it. Session components use this for
    /// capabilities they hand out repeatedly (address space, managed dataspace, ROM dataspace): a
    /// restore rebuilds the space with the badge at its old index while the session's cached index is
    /// the one from the replay, so the slot is looked up rather than taken anew (which would shift every
    /// later index by one, one more per restore).
    /// </summary>
    public Cap<T> Reinstall<T>(Cap<T> cached, long badge) where T : class
    {
        if (cached.IsValid && Caps.TryLookup(cached.Index, out long current) && current == badge) return cached;
        int held = Caps.IndexOf(badge);
        return held >= 0 ? new Cap<T>(held) : InstallBadge<T>(badge);
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
