namespace Rtcr.Execution;

/// <summary>
/// The one gate every thread of a protection domain stops at while the parent holds the PD frozen. A freeze
/// closes it with one store and a thaw opens it with one <see cref="Monitor.PulseAll"/>, whatever the number
/// of threads. Before it, a thaw took each thread's lock and pulsed it in turn; every thread woken that way ran
/// its busy step at once and took a core from the thawer before it reached the next thread, so thawing N busy
/// threads cost a scheduler round per thread that itself grew with N (quadratic). Threads woken here need the
/// gate's lock, which the thawer holds until it has pulsed all of them, so none gets ahead of it. (A chain —
/// the thaw waking one thread, each leaving thread the next — made the thaw call O(1) but released 1 000
/// busy threads one scheduling delay at a time: after 3 s only 50–70 of them had run, docs/benchmarks.md §11b.)
/// </summary>
internal sealed class FreezeGate
{
    private readonly object _lock = new(); // object, not Lock: Monitor.Wait/PulseAll are used on it
    private bool _closed; // read with Volatile.Read outside _lock
    private int _waiting; // threads inside WaitWhileClosed (under _lock)

    /// <summary>Whether the gate is closed: the PD's threads do not start a step.</summary>
    public bool IsClosed => Volatile.Read(ref _closed);

    /// <summary>Threads waiting at the gate right now (tests use it to reach the rare states).</summary>
    public int Waiting
    {
        get { lock (_lock) return _waiting; }
    }

    /// <summary>
    /// Closes the gate. Wait-free, like <see cref="KernelThread.RequestFreeze"/>: a thread reads the gate
    /// under its own lock before it starts a step, and the freezer enters that lock after this store (a full
    /// fence) to wait for the step it may have started.
    /// </summary>
    public void Close()
    {
        Volatile.Write(ref _closed, true);
        Interlocked.MemoryBarrier();
    }

    /// <summary>Opens the gate and wakes every thread waiting at it with one pulse.</summary>
    public void Open()
    {
        lock (_lock)
        {
            _closed = false;
            if (_waiting > 0) Monitor.PulseAll(_lock);
        }
    }

    /// <summary>
    /// Wakes the threads at the gate so that they look at their own state again (a thread was killed); the
    /// gate stays as it is.
    /// </summary>
    public void Wake()
    {
        lock (_lock)
            if (_waiting > 0) Monitor.PulseAll(_lock);
    }

    /// <summary>
    /// Blocks the calling <paramref name="thread"/> while the gate is closed, until it is opened or the thread
    /// is killed. The caller holds no lock of its own, so a freezer, a state reader or a kill can take the
    /// thread's lock meanwhile.
    /// </summary>
    public void WaitWhileClosed(KernelThread thread)
    {
        lock (_lock)
        {
            _waiting++;
            try
            {
                while (_closed && !thread.IsKillRequested) Monitor.Wait(_lock);
            }
            finally
            {
                _waiting--;
            }
        }
    }
}
