using Rtcr.Memory;
using Rtcr.Time;

namespace Rtcr.Execution;

/// <summary>
/// A thread: runs its program step by step over its register file, on its own OS thread (threaded
/// execution) or when the scheduler steps it (deterministic execution). Pause and state access
/// happen at step boundaries.
/// </summary>
public sealed class KernelThread : IDisposable
{
    /// <summary>How long tearing down waits for a running step to return before it leaves the OS thread behind.</summary>
    public static readonly TimeSpan KillTimeout = TimeSpan.FromSeconds(5);

    private readonly object _lock = new(); // object, not Lock: Monitor.Wait/Pulse are used on it
    private readonly IClock _clock;
    private Thread? _thread;
    private ThreadRegisters _registers;
    private bool _started, _paused, _frozen, _running, _halted, _killed;
    private bool _inFault; // blocked in a step, waiting for its page fault to be resolved
    [ThreadStatic] private static KernelThread? t_current; // the kernel thread this OS thread runs (threaded execution)
    private long _wakeAt;
    private Exception? _failure;
    private long _steps;
    private int _stateReaders; // GetState/SetState callers waiting for a step boundary
    private FreezeGate? _gate; // the PD's freeze gate, once the thread belongs to a PD

    internal KernelThread(string name, IThreadProgram program, AddressSpace memory, IClock clock, bool inline)
    {
        Name = name;
        Program = program;
        Memory = memory;
        _clock = clock;
        IsInline = inline;
    }

    /// <summary>Thread name.</summary>
    public string Name { get; }

    /// <summary>The program it runs.</summary>
    public IThreadProgram Program { get; }

    /// <summary>The address space it accesses.</summary>
    public AddressSpace Memory { get; }

    /// <summary>Stepped by the scheduler rather than by its own OS thread.</summary>
    public bool IsInline { get; }

    /// <summary>Number of completed steps.</summary>
    public long Steps
    {
        get { lock (_lock) return _steps; }
    }

    /// <summary>Whether <see cref="Start"/> was called.</summary>
    public bool IsStarted { get { lock (_lock) return _started; } }

    /// <summary>Whether the thread is paused (by its CPU session's <c>pause</c>).</summary>
    public bool IsPaused { get { lock (_lock) return _paused; } }

    /// <summary>
    /// Whether the parent froze the thread (checkpoint or restore in progress): by its own <see cref="Freeze"/>
    /// or by freezing its protection domain.
    /// </summary>
    public bool IsFrozen { get { lock (_lock) return _frozen || GateClosed; } }

    // Under _lock or not: the gate's flag is read with a fence of its own.
    private bool GateClosed => _gate is { IsClosed: true };

    /// <summary>Whether the thread was killed; read without the thread's lock by the gate it waits at.</summary>
    internal bool IsKillRequested => Volatile.Read(ref _killed);

    /// <summary>
    /// Makes the thread stop whenever <paramref name="gate"/> (its protection domain's) is closed, in addition
    /// to its own <see cref="Freeze"/>.
    /// </summary>
    internal void JoinGate(FreezeGate gate)
    {
        lock (_lock)
        {
            if (_gate is not null && _gate != gate) throw new InvalidOperationException($"thread '{Name}' already belongs to a protection domain");
            _gate = gate;
        }
    }

    /// <summary>Whether the program halted or the thread was killed.</summary>
    public bool IsFinished { get { lock (_lock) return _halted || _killed; } }

    /// <summary>The exception that stopped the thread, if any.</summary>
    public Exception? Failure { get { lock (_lock) return _failure; } }

    /// <summary>When a sleeping thread wakes (microseconds), 0 when it is not sleeping.</summary>
    public long WakeAtMicroseconds { get { lock (_lock) return _wakeAt; } }

    /// <summary>Starts at instruction pointer <paramref name="ip"/> with stack pointer <paramref name="sp"/>.</summary>
    public void Start(long ip, long sp)
    {
        lock (_lock)
        {
            if (_started) throw new InvalidOperationException($"thread '{Name}' was already started");
            _registers.Ip = ip;
            _registers.Sp = sp;
            _started = true;
            Monitor.PulseAll(_lock);
        }
        if (!IsInline)
        {
            _thread = new Thread(Run) { IsBackground = true, Name = $"thread:{Name}" };
            _thread.Start();
        }
    }

    /// <summary>
    /// Puts back a thread's registers, sleep and run state exactly as captured (restore), starting it if
    /// it had been started and had not halted (a halted thread stays halted).
    /// </summary>
    public void Revive(ThreadRegisters registers, long wakeAtMicroseconds, bool paused, bool started, bool halted = false)
    {
        bool launch;
        lock (_lock)
        {
            _registers = registers;
            _wakeAt = wakeAtMicroseconds;
            _paused = paused;
            _halted |= halted;
            launch = started && !_started && !_halted;
            _started = started;
            Monitor.PulseAll(_lock);
        }
        if (launch && !IsInline)
        {
            _thread = new Thread(Run) { IsBackground = true, Name = $"thread:{Name}" };
            _thread.Start();
        }
    }

    /// <summary>Stops the thread at the next step boundary and waits until it got there.</summary>
    public void Pause()
    {
        lock (_lock)
        {
            _paused = true;
            while (_running) Monitor.Wait(_lock);
        }
    }

    /// <summary>
    /// Stops the thread at the next step boundary for the parent (checkpoint/restore), independent of
    /// the child's own <see cref="Pause"/>, and waits until it got there. This is the thread's own freeze;
    /// freezing its protection domain closes the PD's gate instead, and either keeps the thread stopped.
    /// </summary>
    public void Freeze()
    {
        RequestFreeze();
        WaitFrozen(Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// Asks the thread to stop at its next step boundary without waiting for it; a parent freezing many
    /// threads asks them all first and then waits (<see cref="WaitFrozen(TimeSpan)"/>), so the threads stop in
    /// parallel and the freeze costs one step, not one step per thread. Wait-free: it does not take the
    /// thread's lock, which the thread holds twice per step, so asking N busy threads costs N stores, not N
    /// scheduler rounds.
    /// </summary>
    public void RequestFreeze()
    {
        // The thread reads _frozen only under _lock before it starts a step. WaitFrozen enters that lock
        // after this store (a full fence), so either the thread's next check sees the flag, or the check came
        // first and WaitFrozen finds the step running and waits for it. A thread waiting on the monitor
        // (paused, sleeping, thawed-but-frozen) needs no pulse: the flag only keeps it from stepping.
        Volatile.Write(ref _frozen, true);
    }

    /// <summary>
    /// Waits until a thread asked to freeze is at a step boundary (or blocked in its page fault), at most
    /// <paramref name="timeout"/> (<see cref="Timeout.InfiniteTimeSpan"/>: no limit).
    /// </summary>
    /// <returns>False when the timeout passed with the thread still inside a step.</returns>
    public bool WaitFrozen(TimeSpan timeout) => WaitFrozen(WaitDeadline.After(timeout));

    internal bool WaitFrozen(WaitDeadline deadline)
    {
        lock (_lock)
        {
            // A thread blocked in its page fault counts as stopped: the fault may need a handler that
            // this very freeze stops (the child's entrypoint), and it does not continue until thawed.
            while (_running && !_inFault)
                if (!deadline.Wait(_lock)) return false;
            return true;
        }
    }

    /// <summary>Whether the thread is inside a step right now (not at a boundary, not blocked in a fault).</summary>
    public bool IsInStep { get { lock (_lock) return _running && !_inFault; } }

    /// <summary>Whether the thread is blocked in a step waiting for its page fault to be resolved.</summary>
    public bool IsWaitingForFault { get { lock (_lock) return _inFault; } }

    /// <summary>
    /// Threaded execution: blocks the calling kernel thread until a region map changed after
    /// <paramref name="generation"/> (its fault may be resolved) or <paramref name="timeout"/> of unfrozen
    /// time passed. Meanwhile the thread counts as stopped for a freeze, and its registers read as
    /// they were before the step, which is re-run from its start after a restore (as a CPU restarts a
    /// faulting instruction). When the fault is resolved while the thread is frozen, it does not
    /// continue, not even to retry the access, until it is thawed: a checkpoint may be copying memory.
    /// </summary>
    /// <returns>False when the timeout passed.</returns>
    internal static bool WaitForFault(long generation, TimeSpan timeout, Func<long, TimeSpan, bool> waitForChange)
    {
        var self = t_current;
        if (self is null) return waitForChange(generation, timeout);
        lock (self._lock)
        {
            self._inFault = true;
            Monitor.PulseAll(self._lock);
        }
        bool resolved = false;
        try
        {
            var slice = TimeSpan.FromMilliseconds(20);
            var left = timeout;
            while (true)
            {
                long started = System.Diagnostics.Stopwatch.GetTimestamp();
                if (waitForChange(generation, slice < left ? slice : left)) { resolved = true; break; }
                // Time spent frozen does not count: the freeze, not the handler, kept the fault open.
                if (!self.IsFrozen) left -= System.Diagnostics.Stopwatch.GetElapsedTime(started);
                if (left <= TimeSpan.Zero) break;
                if (self.IsKilled) break;
            }
        }
        finally
        {
            // Stay "in the fault" (stopped, for a freezer) until neither the thread's own freeze nor its PD's
            // gate holds it; the gate is waited at without the thread's lock, like in Run.
            while (true)
            {
                FreezeGate? gate;
                lock (self._lock)
                {
                    while (self._frozen && !self._killed) Monitor.Wait(self._lock);
                    gate = self._killed ? null : self._gate;
                    if (gate is not { IsClosed: true })
                    {
                        self._inFault = false;
                        Monitor.PulseAll(self._lock);
                        break;
                    }
                }
                gate.WaitWhileClosed(self);
            }
        }
        if (self.IsKilled) throw new ThreadKilledException();
        return resolved;
    }

    private bool IsKilled => IsKillRequested;

    // Unwinds the step of a thread killed while it waited for its fault.
    private sealed class ThreadKilledException : Exception;

    /// <summary>Undoes <see cref="Freeze"/> (the thread's own; a frozen protection domain keeps it stopped).</summary>
    public void Thaw()
    {
        lock (_lock)
        {
            _frozen = false;
            Monitor.PulseAll(_lock);
        }
    }

    /// <summary>Lets a paused thread continue.</summary>
    public void Resume()
    {
        lock (_lock)
        {
            _paused = false;
            Monitor.PulseAll(_lock);
        }
    }

    /// <summary>The register file. Consistent when the thread is paused or not running a step.</summary>
    public ThreadRegisters GetState()
    {
        lock (_lock)
        {
            WaitForBoundary(faultCounts: true);
            return _registers;
        }
    }

    /// <summary>Replaces the register file (between steps).</summary>
    public void SetState(ThreadRegisters state)
    {
        lock (_lock)
        {
            WaitForBoundary();
            _registers = state;
        }
    }

    // Announces the waiter so that a thread stepping back to back lets it in at the next boundary
    // (monitors are not fair; without this the stepping thread could win the lock again and again).
    private void WaitForBoundary(bool faultCounts = false)
    {
        _stateReaders++;
        try
        {
            while (_running && !(faultCounts && _inFault)) Monitor.Wait(_lock);
        }
        finally
        {
            _stateReaders--;
            Monitor.PulseAll(_lock);
        }
    }

    /// <summary>Steps once if runnable at <paramref name="now"/>; returns whether it stepped (deterministic execution).</summary>
    internal bool TryStep(long now)
    {
        ThreadRegisters regs;
        lock (_lock)
        {
            if (!_started || _paused || _frozen || GateClosed || _halted || _killed || _wakeAt > now) return false;
            regs = _registers;
            _running = true;
        }
        StepResult result;
        try
        {
            result = Program.Step(ref regs, Memory, now);
        }
        catch (Exception ex)
        {
            lock (_lock)
            {
                _failure = ex;
                _halted = true;
                _running = false;
                Monitor.PulseAll(_lock);
            }
            throw;
        }
        Complete(regs, result);
        return true;
    }

    /// <summary>Earliest wake time of a sleeping runnable thread, or null.</summary>
    internal long? PendingWake(long now)
    {
        lock (_lock)
        {
            if (!_started || _paused || _frozen || GateClosed || _halted || _killed || _wakeAt <= now) return null;
            return _wakeAt;
        }
    }

    private void Complete(ThreadRegisters regs, StepResult result)
    {
        lock (_lock)
        {
            _registers = regs;
            _running = false;
            _steps++;
            switch (result.Kind)
            {
                case StepKind.Halt: _halted = true; break;
                case StepKind.Sleep: _wakeAt = result.WakeAtMicroseconds; break;
                default: _wakeAt = 0; break;
            }
            Monitor.PulseAll(_lock);
        }
    }

    private void Run()
    {
        t_current = this;
        while (true)
        {
            ThreadRegisters regs = default;
            FreezeGate? stopAt = null;
            lock (_lock)
            {
                while (true)
                {
                    if (_halted || _killed) return;
                    if (_paused || _frozen || _stateReaders > 0) { Monitor.Wait(_lock); continue; }
                    // The PD is frozen: wait at its gate, outside this lock, so that the thaw wakes all the
                    // PD's threads with one pulse (FreezeGate says why that matters).
                    if (_gate is { IsClosed: true } gate) { stopAt = gate; break; }
                    long wait = _wakeAt - _clock.NowMicroseconds;
                    if (wait > 0) { Monitor.Wait(_lock, TimeSpan.FromMicroseconds(Math.Min(wait, 50_000))); continue; }
                    break;
                }
                if (stopAt is null)
                {
                    regs = _registers;
                    _running = true;
                }
            }
            if (stopAt is not null)
            {
                stopAt.WaitWhileClosed(this);
                continue;
            }
            try
            {
                var result = Program.Step(ref regs, Memory, _clock.NowMicroseconds);
                Complete(regs, result);
            }
            catch (ThreadKilledException)
            {
                lock (_lock)
                {
                    _running = false;
                    Monitor.PulseAll(_lock);
                }
                return;
            }
            catch (Exception ex)
            {
                lock (_lock)
                {
                    _failure = ex;
                    _halted = true;
                    _running = false;
                    Monitor.PulseAll(_lock);
                }
                return;
            }
        }
    }

    /// <summary>
    /// Waits until the OS thread behind this one has ended (at once in deterministic mode, which has
    /// none). After a kill it can still run: a step or handler that never returns is left behind.
    /// </summary>
    /// <param name="timeout">How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> for as long as it takes.</param>
    /// <returns>True when the OS thread has ended.</returns>
    public bool WaitEnded(TimeSpan timeout) =>
        _thread is null || _thread == Thread.CurrentThread || _thread.Join(timeout);

    /// <summary>Ends the thread (Genode's <c>kill_thread</c>).</summary>
    public void Kill()
    {
        RequestKill();
        // Bounded: a step that never returns (a hostile child) must not hang the parent tearing the
        // child down. The OS thread is a background thread; it ends as soon as the step returns.
        if (_thread is not null && _thread != Thread.CurrentThread) _thread.Join(KillTimeout);
    }

    /// <summary>
    /// Marks the thread killed and wakes it wherever it waits, without waiting for its OS thread to end: a
    /// kernel tearing down many threads asks them all first, so that threads waiting at a closed gate leave
    /// on the first pulse rather than one pulse per killed thread.
    /// </summary>
    internal void RequestKill()
    {
        FreezeGate? gate;
        lock (_lock)
        {
            _killed = true;
            gate = _gate;
            Monitor.PulseAll(_lock);
        }
        gate?.Wake();
    }

    /// <inheritdoc />
    public void Dispose() => Kill();
}
