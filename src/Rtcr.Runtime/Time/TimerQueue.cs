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

    /// <summary>Schedules a callback at an absolute time; returns an id for <see cref="Cancel"/>.</summary>
    public long Schedule(long dueMicroseconds, Action callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        lock (_lock)
        {
            long id = ++_seq;
            _queue.Enqueue(new Entry(id, dueMicroseconds, callback), (dueMicroseconds, id));
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
                DropCancelledHead();
                if (!_queue.TryPeek(out e, out var prio) || prio.Due > nowMicroseconds) return fired;
                _queue.Dequeue();
            }
            e.Callback();
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
