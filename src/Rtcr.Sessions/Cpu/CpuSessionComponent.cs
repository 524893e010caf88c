using Rtcr.Capabilities;
using Rtcr.Execution;
using Rtcr.Quotas;

namespace Rtcr.Sessions;

/// <summary>Core's CPU session: creates threads that run a program of the target PD.</summary>
public sealed class CpuSessionComponent(ProtectionDomain client, string label, long ramQuota, long capQuota) : ICpuSession, IDisposable
{
    private readonly Dictionary<long, (KernelThread Thread, ProtectionDomain Domain)> _threads = new();
    private readonly Lock _lock = new();
    private SignalContext? _exceptionHandler;

    /// <summary>The session's quota account (each thread costs one capability).</summary>
    public QuotaAccount Account { get; } = new($"CPU session '{label}'", ramQuota, capQuota);

    /// <summary>The default exception handler, if set.</summary>
    public SignalContext? ExceptionHandler => _exceptionHandler;

    /// <inheritdoc />
    public Cap<ICpuThread> CreateThread(Cap<IPdSession> pd, string name, int affinity, long weight)
    {
        var domain = client.Invoke(pd).Domain();
        if (!domain.Programs.TryGetValue(name, out var program))
            throw new KeyNotFoundException($"PD '{domain.Label}' has no program named '{name}' (programs: {string.Join(", ", domain.Programs.Keys)})");
        var memory = domain.Memory ?? throw new InvalidOperationException($"PD '{domain.Label}' has no address space yet");
        Account.Withdraw(QuotaKind.Caps, 1, client.Label, $"create_thread '{name}'");
        var thread = domain.Kernel.CreateThread($"{domain.Label}:{name}", program, memory);
        var component = new CpuThreadComponent(thread, client);
        component.Affinity(affinity);
        Cap<ICpuThread> cap;
        try
        {
            cap = client.Install<ICpuThread>(component);
        }
        catch
        {
            domain.Kernel.DestroyThread(thread);
            Account.Replenish(QuotaKind.Caps, 1);
            throw;
        }
        domain.AddThread(thread);
        lock (_lock) _threads[client.BadgeOf(cap)] = (thread, domain);
        return cap;
    }

    /// <inheritdoc />
    public void KillThread(Cap<ICpuThread> thread)
    {
        long badge = client.BadgeOf(thread);
        (KernelThread Thread, ProtectionDomain Domain) t;
        lock (_lock)
        {
            if (!_threads.Remove(badge, out t))
                throw new CapabilityException(CapabilityError.WrongType, client.Label, thread.Index, "thread was not created by this CPU session");
        }
        client.Free(thread);
        client.Kernel.Objects.Remove(badge);
        t.Domain.RemoveThread(t.Thread);
        client.Kernel.DestroyThread(t.Thread);
        Account.Replenish(QuotaKind.Caps, 1);
    }

    /// <inheritdoc />
    public void ExceptionSigh(Cap<ISignalContext> handler) =>
        _exceptionHandler = handler.IsValid ? client.Invoke(handler).Context() : null;

    /// <inheritdoc />
    public int ThreadCount()
    {
        lock (_lock) return _threads.Count;
    }

    /// <inheritdoc />
    public void Upgrade(long ramQuota, long capQuota)
    {
        Account.Grow(ramQuota, capQuota);
    }

    /// <summary>Kills every thread (session closed).</summary>
    public void Dispose()
    {
        (KernelThread Thread, ProtectionDomain Domain)[] threads;
        lock (_lock)
        {
            threads = _threads.Values.ToArray();
            _threads.Clear();
        }
        foreach (var t in threads)
        {
            t.Domain.RemoveThread(t.Thread);
            client.Kernel.DestroyThread(t.Thread);
        }
    }
}
