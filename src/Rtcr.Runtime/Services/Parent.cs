using Rtcr.Execution;
using Rtcr.Capabilities;
using Rtcr.Quotas;
using Rtcr.Recording;

namespace Rtcr.Services;

/// <summary>
/// A parent: routes its children's session requests to a local service, a child's service or core,
/// creates and registers every session on every route (seed bugs: local-service sessions were not
/// created; a child's request did not reach the serving child), and, when a recorder registry is
/// given, puts a recording proxy in front of each session so it can be checkpointed.
/// </summary>
public sealed class Parent
{
    private readonly Dictionary<string, IService> _local = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Child, IService Service)> _children = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IService> _core = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RouteKind> _policy = new(StringComparer.Ordinal);
    private readonly List<SessionEntry> _sessions = new();
    private readonly Dictionary<ProtectionDomain, RecordingContext> _contexts = new();
    private readonly Dictionary<long, (long Ram, long Caps)> _upgrades = new();
    private readonly Lock _lock = new();

    /// <summary>Creates a parent on a kernel.</summary>
    /// <param name="kernel">The kernel.</param>
    /// <param name="label">Name used in errors.</param>
    /// <param name="recorders">When given, sessions of registered services are recorded.</param>
    public Parent(Kernel kernel, string label, RecorderRegistry? recorders = null)
    {
        Kernel = kernel;
        Label = label;
        Recorders = recorders;
    }

    /// <summary>The kernel.</summary>
    public Kernel Kernel { get; }

    /// <summary>Name of the parent.</summary>
    public string Label { get; }

    /// <summary>The registry used to record sessions, or null when not recording.</summary>
    public RecorderRegistry? Recorders { get; }

    /// <summary>Offers a core service.</summary>
    public void AddCoreService(IService service)
    {
        lock (_lock) _core[service.Name] = service;
    }

    /// <summary>Offers a service the parent implements itself.</summary>
    public void AddLocalService(IService service)
    {
        lock (_lock) _local[service.Name] = service;
    }

    /// <summary>A child announces a service it serves.</summary>
    public void Announce(string child, IService service)
    {
        lock (_lock) _children[service.Name] = (child, service);
    }

    /// <summary>Forces requests for <paramref name="service"/> to one kind of route (otherwise: local, then child, then core).</summary>
    public void SetRoute(string service, RouteKind route)
    {
        lock (_lock) _policy[service] = route;
    }

    /// <summary>Every session created so far, in creation order.</summary>
    public IReadOnlyList<SessionEntry> Sessions
    {
        get { lock (_lock) return _sessions.ToArray(); }
    }

    /// <summary>Sessions of one client, in creation order.</summary>
    public IReadOnlyList<SessionEntry> SessionsOf(ProtectionDomain client)
    {
        lock (_lock) return _sessions.Where(s => s.Client == client).ToArray();
    }

    /// <summary>The recording context of a client (one per client, shared by its sessions).</summary>
    public RecordingContext RecordingContextOf(ProtectionDomain client)
    {
        lock (_lock)
        {
            if (!_contexts.TryGetValue(client, out var ctx)) _contexts[client] = ctx = new RecordingContext(client);
            return ctx;
        }
    }

    /// <summary>
    /// Resolves a session request of <paramref name="client"/>: routes it, donates the requested quota
    /// from the client, creates the session, interposes a recorder, registers it in the object table
    /// and installs a capability in the client's space. Nothing is left behind when a step fails.
    /// </summary>
    public Cap<T> Session<T>(ProtectionDomain client, string service, SessionArgs args) where T : class
    {
        var entry = CreateSession(client, service, args, typeof(T));
        return new Cap<T>(entry.CapIndex);
    }

    /// <summary>Untyped form of <see cref="Session{T}"/>, used by restore.</summary>
    public SessionEntry CreateSession(ProtectionDomain client, string service, SessionArgs args, Type? expected = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(args);
        var (server, route) = RouteOf(service, client.Label);

        var requester = $"{client.Label} -> {service}";
        client.Quota.Withdraw(args.RamQuota, args.CapQuota, requester, $"session request '{service}'");

        object session;
        try
        {
            session = server.CreateSession(new SessionRequest(service, args, client));
            if (expected is not null && !expected.IsInstanceOfType(session))
                throw new InvalidOperationException($"service '{service}' created a {session.GetType().Name}, not a {expected.Name}");
            if (Recorders is not null && Recorders.TryWrap(service, session, RecordingContextOf(client), args, out var recorder))
                session = recorder;
        }
        catch
        {
            client.Quota.Replenish(args.RamQuota, args.CapQuota);
            throw;
        }

        Cap<object> cap;
        try
        {
            cap = client.Install(session);
        }
        catch
        {
            server.CloseSession(Unwrap(session));
            client.Quota.Replenish(args.RamQuota, args.CapQuota);
            throw;
        }
        var entry = new SessionEntry(client, service, args, client.BadgeOf(cap), cap.Index, route, session, server);
        lock (_lock) _sessions.Add(entry);
        return entry;
    }

    /// <summary>
    /// Upgrades a client's session (Genode's <c>Parent::upgrade</c>): the quota is taken from the client
    /// and handed to the session by <paramref name="apply"/> (which calls the session's <c>[Upgrade]</c>
    /// method, so the upgrade is recorded). Fails with a <see cref="QuotaExceededException"/> naming
    /// the client, the session and the limits, and changes nothing, when the client has too little.
    /// </summary>
    public void Upgrade<T>(ProtectionDomain client, Cap<T> session, long ramQuota, long capQuota, Action<T, long, long> apply) where T : class
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ramQuota);
        ArgumentOutOfRangeException.ThrowIfNegative(capQuota);
        long badge = client.BadgeOf(session);
        SessionEntry entry;
        lock (_lock)
            entry = _sessions.FirstOrDefault(s => s.Client == client && s.Badge == badge)
                ?? throw new CapabilityException(CapabilityError.WrongType, client.Label, session.Index, "capability names no session of this parent, so it cannot be upgraded");
        var requester = $"{client.Label} -> {entry.Service}";
        client.Quota.Withdraw(ramQuota, capQuota, requester, $"upgrade of session '{entry.Service}'");
        try
        {
            apply(client.Invoke(session), ramQuota, capQuota);
        }
        catch
        {
            client.Quota.Replenish(ramQuota, capQuota);
            throw;
        }
        NoteUpgrade(badge, ramQuota, capQuota);
    }

    /// <summary>Records that a client's session capability now lives at <paramref name="capIndex"/> (restore rebuilt the space).</summary>
    public void Relocate(ProtectionDomain client, long sessionBadge, int capIndex)
    {
        lock (_lock)
        {
            int i = _sessions.FindIndex(s => s.Client == client && s.Badge == sessionBadge);
            if (i >= 0) _sessions[i] = _sessions[i] with { CapIndex = capIndex };
        }
    }

    /// <summary>Quota the client paid for upgrades of a session through <see cref="Upgrade"/> (what closing it refunds besides its quota).</summary>
    public (long Ram, long Caps) PaidUpgrades(long sessionBadge)
    {
        lock (_lock) return _upgrades.GetValueOrDefault(sessionBadge);
    }

    /// <summary>
    /// Quota a client has donated to its open sessions, their quotas plus their upgrades (saturated): what
    /// closing them all refunds. Every donation was withdrawn from the client's account, so its use covers it.
    /// </summary>
    public (long Ram, long Caps) Donated(ProtectionDomain client)
    {
        long ram = 0, caps = 0;
        lock (_lock)
        {
            foreach (var s in _sessions)
            {
                if (s.Client != client) continue;
                var (upRam, upCaps) = _upgrades.GetValueOrDefault(s.Badge);
                ram = Refund(ram, Refund(s.Args.RamQuota, upRam));
                caps = Refund(caps, Refund(s.Args.CapQuota, upCaps));
            }
        }
        return (ram, caps);
    }

    /// <summary>Quota the client paid for upgrades of a session (restore reports the paid upgrades of recreated sessions here).</summary>
    public void NoteUpgrade(long sessionBadge, long ramQuota, long capQuota)
    {
        lock (_lock)
        {
            var (ram, caps) = _upgrades.GetValueOrDefault(sessionBadge);
            _upgrades[sessionBadge] = (ram + ramQuota, caps + capQuota);
        }
    }

    /// <summary>Closes a session: the server closes it, the quota returns to the client, the capability is freed.</summary>
    public void Close<T>(ProtectionDomain client, Cap<T> cap) where T : class
    {
        long badge = client.BadgeOf(cap);
        SessionEntry? entry;
        lock (_lock)
        {
            entry = _sessions.FirstOrDefault(s => s.Client == client && s.Badge == badge);
            if (entry is null) throw new CapabilityException(CapabilityError.WrongType, client.Label, cap.Index, "capability names no session of this parent");
            _sessions.Remove(entry);
        }
        client.Free(cap);
        Kernel.Objects.Remove(badge);
        entry.Server.CloseSession(UnwrapFor(entry));
        var (upRam, upCaps) = TakeUpgrades(badge);
        client.Quota.Replenish(Refund(entry.Args.RamQuota, upRam), Refund(entry.Args.CapQuota, upCaps));
    }

    private (long Ram, long Caps) TakeUpgrades(long badge)
    {
        lock (_lock) return _upgrades.Remove(badge, out var up) ? up : (0, 0);
    }

    /// <summary>
    /// Closes every session of a client: each server closes its session (freeing what it holds), the
    /// session objects leave the object table and the donated quota returns to the client.
    /// </summary>
    public void CloseAll(ProtectionDomain client)
    {
        SessionEntry[] entries;
        lock (_lock)
        {
            entries = _sessions.Where(s => s.Client == client).Reverse().ToArray();
            _sessions.RemoveAll(s => s.Client == client);
            _contexts.Remove(client);
        }
        foreach (var entry in entries)
        {
            Kernel.Objects.Remove(entry.Badge);
            entry.Server.CloseSession(UnwrapFor(entry));
            var (upRam, upCaps) = TakeUpgrades(entry.Badge);
            client.Quota.Replenish(QuotaKind.Ram, Math.Min(Refund(entry.Args.RamQuota, upRam), client.Quota.Used(QuotaKind.Ram)));
            client.Quota.Replenish(QuotaKind.Caps, Math.Min(Refund(entry.Args.CapQuota, upCaps), client.Quota.Used(QuotaKind.Caps)));
        }
        // The servers freed what the sessions created, but not every one unregisters it (a child's signal
        // contexts, region maps, dataspaces stayed in the table after its destruction, and every later RAM
        // free walked them).
        Kernel.Objects.RemoveOwnedBy(client);
    }

    // A session's quota plus its upgrades, saturated: restore refuses sums past 64 bits, this keeps a refund non-negative anyway.
    private static long Refund(long quota, long upgrades) => quota > long.MaxValue - upgrades ? long.MaxValue : quota + upgrades;

    /// <summary>
    /// Closes every session of a stopped client (see <see cref="CloseAll"/>) once the OS threads of its
    /// killed <paramref name="threads"/> and <paramref name="entrypoint"/> have ended: at once when they
    /// have, otherwise from a background waiter.
    /// </summary>
    /// <remarks>
    /// A handler or step that never returns outlives its kill and still reads and writes the child's
    /// memory; freeing that memory under it would be a use after free. Such a child's sessions (and
    /// native memory) stay until its code returns, for the life of the process if it never does.
    /// </remarks>
    /// <param name="client">The stopped client.</param>
    /// <param name="threads">Its killed threads.</param>
    /// <param name="entrypoint">Its disposed entrypoint, if it had one.</param>
    /// <returns>True when the sessions were closed now; false when closing waits for left-behind threads.</returns>
    public bool CloseAllWhenEnded(ProtectionDomain client, IReadOnlyCollection<KernelThread> threads, Entrypoint? entrypoint)
    {
        if (threads.All(t => t.WaitEnded(TimeSpan.Zero)) && (entrypoint?.WaitEnded(TimeSpan.Zero) ?? true))
        {
            CloseAll(client);
            return true;
        }
        var waiter = new Thread(() =>
        {
            foreach (var t in threads) t.WaitEnded(Timeout.InfiniteTimeSpan);
            entrypoint?.WaitEnded(Timeout.InfiniteTimeSpan);
            CloseAll(client);
        })
        { IsBackground = true, Name = $"close:{client.Label}" };
        waiter.Start();
        return false;
    }

    /// <summary>Forgets every session of a client (the client was destroyed).</summary>
    public void Forget(ProtectionDomain client)
    {
        lock (_lock)
        {
            _sessions.RemoveAll(s => s.Client == client);
            _contexts.Remove(client);
        }
    }

    // The server closes its own object, not the recorder in front of it (generated or Castle fallback).
    private static object UnwrapFor(SessionEntry entry) => Unwrap(entry.Session);

    private static object Unwrap(object session) => session switch
    {
        IInterposed interposed => interposed.Inner,
        Castle.DynamicProxy.IProxyTargetAccessor proxy => proxy.DynProxyGetTarget() ?? session,
        _ => session,
    };

    private (IService Server, RouteKind Route) RouteOf(string service, string requester)
    {
        lock (_lock)
        {
            if (_policy.TryGetValue(service, out var forced))
            {
                IService? s = forced switch
                {
                    RouteKind.Local => _local.GetValueOrDefault(service),
                    RouteKind.Child => _children.TryGetValue(service, out var c) ? c.Service : null,
                    _ => _core.GetValueOrDefault(service),
                };
                if (s is not null) return (s, forced);
            }
            else
            {
                if (_local.TryGetValue(service, out var local)) return (local, RouteKind.Local);
                if (_children.TryGetValue(service, out var child)) return (child.Service, RouteKind.Child);
                if (_core.TryGetValue(service, out var core)) return (core, RouteKind.Core);
            }
            var available = _local.Keys.Concat(_children.Keys).Concat(_core.Keys).Distinct();
            throw new ServiceNotFoundException(service, requester, Label, available);
        }
    }
}
