namespace Rtcr.Execution;

/// <summary>
/// The one gate every thread of a protection domain stops at while the parent holds the PD frozen. A freeze
/// closes it with one store and a thaw opens it and wakes one waiting thread, whatever the number of threads;
/// each thread leaving the open gate wakes the next (a chain), so the N wake-ups are done by the child's
/// threads, not by the thawer. Before it, a thaw took each thread's lock and pulsed it in turn; every thread
/// woken that way ran its busy step at once and took a core from the thawer before it reached the next
/// thread, so thawing N busy threads cost a scheduler round per thread that itself grew with N (quadratic).
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

    /// <summary>Opens the gate and wakes the first waiting thread, which wakes the next (see <see cref="WaitWhileClosed"/>).</summary>
    public void Open()
    {
        lock (_lock)
        {
            _closed = false;
            if (_waiting > 0) Monitor.Pulse(_lock);
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
    /// thread's lock meanwhile. A thread leaving the open gate wakes the next waiting one; when the gate was
    /// closed again before a woken thread got out, the chain stops there and the next opening restarts it.
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
                if (!_closed && _waiting > 0) Monitor.Pulse(_lock); // pass the opening on
            }
        }
    }
}
