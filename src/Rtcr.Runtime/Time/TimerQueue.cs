namespace Rtcr.Time;

/// <summary>
/// One-shot timeouts ordered by due time (ties by scheduling order, so firing is deterministic).
/// With a virtual clock the kernel fires due entries as it advances time; with a real clock a
/// background thread does.
/// </summary>
public sealed class TimerQueue : IDisposable
{
    private readonly PriorityQueue<Entry, (long Due, long Seq)> _queue = new();
    private readonly HashSet<long> _cancelled = new();
    private readonly object _lock = new(); // object, not Lock: Monitor.Wait/Pulse are used on it
    private readonly IClock _clock;
    private readonly Thread? _thread;
    private long _seq;
    private bool _disposed;
    private int _holds;
    private Thread? _firing; // the thread running a callback right now, if any

    private sealed record Entry(long Id, long Due, Action Callback);

    /// <summary>Creates a queue on a clock; a real clock gets its own firing thread.</summary>
    public TimerQueue(IClock clock)
    {
        _clock = clock;
        if (!clock.IsVirtual)
        {
            _thread = new Thread(RunReal) { IsBackground = true, Name = "rtcr-timer" };
            _thread.Start();
        }
    }

    /// <summary>Due time of the earliest pending timeout, or null.</summary>
    public long? NextDue
    {
        get
        {
            lock (_lock)
            {
                DropCancelledHead();
                return _queue.TryPeek(out var e, out _) ? e.Due : null;
            }
        }
    }

    /// <summary>
    /// Schedules a callback at an absolute time; returns an id for <see cref="Cancel"/>. The id is also
    /// the entry's place among entries due at the same instant (scheduling order).
    /// </summary>
    public long Schedule(long dueMicroseconds, Action callback) => Schedule(dueMicroseconds, callback, order: 0);

    /// <summary>
    /// Schedules a callback with a given place among entries due at the same instant: a restore passes
    /// the id the entry had in the checkpointed kernel, so timers due together fire in the original
    /// order, and every entry scheduled later comes after them. Returns the new entry's id.
    /// </summary>
    public long Schedule(long dueMicroseconds, Action callback, long order)
    {
        ArgumentNullException.ThrowIfNull(callback);
        ArgumentOutOfRangeException.ThrowIfNegative(order);
        lock (_lock)
        {
            _seq = Math.Max(_seq, order);
            long id = ++_seq;
            _queue.Enqueue(new Entry(id, dueMicroseconds, callback), (dueMicroseconds, order == 0 ? id : order));
            Monitor.PulseAll(_lock);
            return id;
        }
    }

    /// <summary>Cancels a pending timeout; cancelling one that already fired does nothing.</summary>
    public void Cancel(long id)
    {
        lock (_lock)
        {
            if (id > 0 && id <= _seq) _cancelled.Add(id);
            // Cancelled entries normally leave when they reach the head; a client re-programming its
            // timer while time stands still would grow the queue without bound, so compact when they
            // are the majority (amortised O(log n) per cancel).
            if (_cancelled.Count > 64 && _cancelled.Count * 2 > _queue.Count) Compact();
            Monitor.PulseAll(_lock);
        }
    }

    /// <summary>Entries waiting to fire (cancelled ones not yet dropped included).</summary>
    public int Count
    {
        get { lock (_lock) return _queue.Count; }
    }

    private void Compact()
    {
        var live = _queue.UnorderedItems.Where(x => !_cancelled.Contains(x.Element.Id)).ToArray();
        _queue.Clear();
        _cancelled.Clear();
        foreach (var (entry, priority) in live) _queue.Enqueue(entry, priority);
    }

    /// <summary>
    /// Stops the real-time firing thread until <see cref="Release"/> (holds nest). A checkpoint holds the
    /// queue so that no timeout fires between reading a timer's due time and reading the signal queue:
    /// the cut it takes is consistent, and timeouts that fell due meanwhile fire right after.
    /// </summary>
    public void Hold()
    {
        lock (_lock)
        {
            _holds++;
            // A callback already running finishes first (unless it is the caller itself).
            while (_firing is not null && _firing != Thread.CurrentThread) Monitor.Wait(_lock);
        }
    }

    /// <summary>Undoes one <see cref="Hold"/>.</summary>
    public void Release()
    {
        lock (_lock)
        {
            if (_holds == 0) throw new InvalidOperationException("timer queue is not held");
            _holds--;
            Monitor.PulseAll(_lock);
        }
    }

    /// <summary>Fires every timeout due at or before <paramref name="nowMicroseconds"/>, earliest first.</summary>
    public int FireDue(long nowMicroseconds)
    {
        int fired = 0;
        while (true)
        {
            Entry? e;
            lock (_lock)
            {
                if (_holds > 0 && !_clock.IsVirtual) return fired;
                DropCancelledHead();
                if (!_queue.TryPeek(out e, out var prio) || prio.Due > nowMicroseconds) return fired;
                _queue.Dequeue();
                _firing = Thread.CurrentThread;
            }
            try
            {
                e.Callback();
            }
            finally
            {
                lock (_lock)
                {
                    _firing = null;
                    Monitor.PulseAll(_lock);
                }
            }
            fired++;
        }
    }

    private void DropCancelledHead()
    {
        while (_queue.TryPeek(out var e, out _) && _cancelled.Remove(e.Id)) _queue.Dequeue();
    }

    private void RunReal()
    {
        while (true)
        {
            lock (_lock)
            {
                while (!_disposed)
                {
                    if (_holds > 0) { Monitor.Wait(_lock); continue; }
                    DropCancelledHead();
                    if (_queue.TryPeek(out _, out var prio))
                    {
                        long wait = prio.Due - _clock.NowMicroseconds;
                        if (wait <= 0) break;
                        Monitor.Wait(_lock, TimeSpan.FromMicroseconds(Math.Min(wait, 100_000)));
                    }
                    else Monitor.Wait(_lock);
                }
                if (_disposed) return;
            }
            FireDue(_clock.NowMicroseconds);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            Monitor.PulseAll(_lock);
        }
        _thread?.Join();
    }
}
