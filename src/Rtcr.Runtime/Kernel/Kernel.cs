using Rtcr.Capabilities;
using Rtcr.Execution;
using Rtcr.Memory;
using Rtcr.Time;

namespace Rtcr;

/// <summary>
/// The microkernel model: the object table, protection domains, entrypoints, threads and time. In
/// <see cref="ExecutionMode.Deterministic"/> mode nothing runs until the host calls
/// <see cref="RunUntilIdle"/> or advances time; then entrypoints and threads run in creation order.
/// </summary>
public sealed class Kernel : IDisposable
{
    /// <summary>Default of <see cref="LivelockSteps"/>.</summary>
    public const long DefaultLivelockSteps = 50_000_000;

    /// <summary>Handler runs and thread steps without time passing after which deterministic execution is declared livelocked.</summary>
    public long LivelockSteps { get; init; } = DefaultLivelockSteps;

    /// <summary>
    /// Deterministic mode: a handler or thread step that throws stops only its own entrypoint or thread
    /// (its <c>Failure</c> is set, <see cref="FailureContained"/> is raised) and the run goes on, as in
    /// threaded execution, instead of the exception escaping from <see cref="RunUntilIdle"/> into whatever
    /// the host was doing for another component. A host of several children sets it.
    /// </summary>
    public bool ContainFailures { get; init; }

    /// <summary>Raised (on the host's thread) when <see cref="ContainFailures"/> stopped a failing entrypoint or thread.</summary>
    public event Action<FailureReport>? FailureContained;

    private readonly List<Entrypoint> _entrypoints = new();
    private readonly List<KernelThread> _threads = new();
    private readonly Lock _lock = new();
    private readonly VirtualClock? _virtualClock;

    /// <summary>Creates a kernel.</summary>
    /// <param name="mode">Deterministic (virtual time) or threaded (real time).</param>
    /// <param name="startMicroseconds">Initial clock value (a restore continues the checkpointed time).</param>
    public Kernel(ExecutionMode mode = ExecutionMode.Deterministic, long startMicroseconds = 0)
    {
        Mode = mode;
        if (mode == ExecutionMode.Deterministic) Clock = _virtualClock = new VirtualClock(startMicroseconds);
        else Clock = new MonotonicClock(startMicroseconds);
        Timers = new TimerQueue(Clock);
    }

    /// <summary>How this kernel executes.</summary>
    public ExecutionMode Mode { get; }

    /// <summary>The global object table.</summary>
    public ObjectTable Objects { get; } = new();

    /// <summary>The clock (virtual or monotonic).</summary>
    public IClock Clock { get; }

    /// <summary>Timeouts on <see cref="Clock"/>.</summary>
    public TimerQueue Timers { get; }

    private bool Inline => Mode == ExecutionMode.Deterministic;

    /// <summary>
    /// Deterministic mode: raised after every handler run and every thread step that <see cref="RunUntilIdle"/>
    /// performs, at the boundary. Test harnesses take checkpoints here, at arbitrary points of a run.
    /// </summary>
    public event Action? BoundaryReached;

    /// <summary>Creates a protection domain with a capability space of <paramref name="capSlots"/> slots.</summary>
    public ProtectionDomain CreateProtectionDomain(string label, int capSlots = 1024, long ramQuota = 0, long capQuota = 0) =>
        new(this, label, capSlots, ramQuota, capQuota);

    /// <summary>Creates an entrypoint for a component.</summary>
    public Entrypoint CreateEntrypoint(string name)
    {
        var ep = new Entrypoint(name, Inline);
        lock (_lock) _entrypoints.Add(ep);
        return ep;
    }

    /// <summary>Creates a (not yet started) thread running <paramref name="program"/> in <paramref name="memory"/>.</summary>
    public KernelThread CreateThread(string name, IThreadProgram program, AddressSpace memory)
    {
        var thread = new KernelThread(name, program, memory, Clock, Inline);
        lock (_lock) _threads.Add(thread);
        return thread;
    }

    /// <summary>Removes and stops a thread.</summary>
    public void DestroyThread(KernelThread thread)
    {
        lock (_lock) _threads.Remove(thread);
        thread.Kill();
    }

    /// <summary>Removes and stops an entrypoint.</summary>
    public void DestroyEntrypoint(Entrypoint entrypoint)
    {
        lock (_lock) _entrypoints.Remove(entrypoint);
        entrypoint.Dispose();
    }

    /// <summary>
    /// Deterministic mode: runs pending handlers and runnable threads until nothing can run at the
    /// current time. Returns the number of handler runs and thread steps.
    /// </summary>
    public long RunUntilIdle()
    {
        RequireDeterministic();
        long work = 0;
        while (true)
        {
            bool progress = false;
            Entrypoint[] eps;
            KernelThread[] threads;
            lock (_lock)
            {
                eps = _entrypoints.ToArray();
                threads = _threads.ToArray();
            }
            foreach (var ep in eps)
                while (Dispatch(ep)) { progress = true; work++; BoundaryReached?.Invoke(); }
            long now = Clock.NowMicroseconds;
            foreach (var t in threads)
                if (Step(t, now)) { progress = true; work++; BoundaryReached?.Invoke(); }
            if (!progress) return work;
            if (work > LivelockSteps)
                throw new InvalidOperationException($"deterministic execution made {work} steps without time passing; a thread program must sleep (StepResult.SleepUntil) to let time advance");
        }
    }

    private bool Dispatch(Entrypoint ep)
    {
        if (!ContainFailures) return ep.DispatchOne();
        try
        {
            return ep.DispatchOne();
        }
        catch (Exception ex)
        {
            ep.Fail(ex);
            FailureContained?.Invoke(new FailureReport(ep.Name, null, ex));
            return true;
        }
    }

    private bool Step(KernelThread thread, long now)
    {
        if (!ContainFailures) return thread.TryStep(now);
        try
        {
            return thread.TryStep(now);
        }
        catch (Exception ex)
        {
            // TryStep has recorded the failure and halted the thread.
            FailureContained?.Invoke(new FailureReport(null, thread.Name, ex));
            return true;
        }
    }

    /// <summary>Earliest time at which a timer fires or a thread wakes, or null when nothing is scheduled.</summary>
    public long? NextEventMicroseconds
    {
        get
        {
            long now = Clock.NowMicroseconds;
            long? next = Timers.NextDue;
            KernelThread[] threads;
            lock (_lock) threads = _threads.ToArray();
            foreach (var t in threads)
                if (t.PendingWake(now) is long wake && (next is null || wake < next)) next = wake;
            return next;
        }
    }

    /// <summary>
    /// Deterministic mode: advances virtual time to the next event (timer or thread wake-up), fires it and
    /// runs until idle. Returns false, without moving time, when nothing is scheduled.
    /// </summary>
    public bool AdvanceToNextEvent()
    {
        RequireDeterministic();
        RunUntilIdle();
        if (NextEventMicroseconds is not long next) return false;
        _virtualClock!.Set(Math.Max(next, Clock.NowMicroseconds));
        Timers.FireDue(Clock.NowMicroseconds);
        RunUntilIdle();
        return true;
    }

    /// <summary>Deterministic mode: advances virtual time to <paramref name="microseconds"/>, processing every event on the way in order.</summary>
    public void AdvanceTo(long microseconds)
    {
        RequireDeterministic();
        RunUntilIdle();
        while (NextEventMicroseconds is long next && next <= microseconds)
        {
            _virtualClock!.Set(Math.Max(next, Clock.NowMicroseconds));
            Timers.FireDue(Clock.NowMicroseconds);
            RunUntilIdle();
        }
        if (microseconds > Clock.NowMicroseconds) _virtualClock!.Set(microseconds);
        RunUntilIdle();
    }

    /// <summary>Deterministic mode: advances virtual time by <paramref name="microseconds"/>.</summary>
    public void Advance(long microseconds) => AdvanceTo(Clock.NowMicroseconds + microseconds);

    private void RequireDeterministic()
    {
        if (Mode != ExecutionMode.Deterministic)
            throw new InvalidOperationException("only a deterministic kernel is driven by the host; a threaded kernel runs by itself");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        KernelThread[] threads;
        Entrypoint[] eps;
        lock (_lock)
        {
            threads = _threads.ToArray();
            eps = _entrypoints.ToArray();
            _threads.Clear();
            _entrypoints.Clear();
        }
        foreach (var t in threads) t.RequestKill(); // all at once: busy or gated threads leave in parallel
        foreach (var t in threads) t.Kill();
        foreach (var ep in eps) ep.Dispose();
        Timers.Dispose();
    }
}
