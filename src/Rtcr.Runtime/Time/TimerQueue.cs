namespace Rtcr.Time;

/// <summary>
/// One-shot timeouts ordered by due time (ties by scheduling order, so firing is deterministic).
/// With a virtual clock the kernel fires due entries as it advances time; with a real clock a
/// background thread does. An entry may name an owner (the client PD of a timer session): a checkpoint
/// holds only its child's entries (<see cref="Hold(object)"/>), so every other child keeps its ticks.
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
    private object? _firingOwner; // owner of that callback's entry
    // Holds per owner, and the entries of held owners that reached the head meanwhile (fired on release).
    private readonly Dictionary<object, int> _ownerHolds = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<object, List<(Entry Entry, (long Due, long Seq) Priority)>> _deferred = new(ReferenceEqualityComparer.Instance);

    private sealed record Entry(long Id, long Due, Action Callback, object? Owner);

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
                long? next = _queue.TryPeek(out var e, out _) ? e.Due : null;
                foreach (var list in _deferred.Values)
                    foreach (var (d, _) in list)
                        if (!_cancelled.Contains(d.Id) && (next is null || d.Due < next)) next = d.Due;
                return next;
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
    public long Schedule(long dueMicroseconds, Action callback, long order) => Schedule(dueMicroseconds, callback, order, owner: null);

    /// <summary>
    /// Schedules a callback on behalf of <paramref name="owner"/> (e.g. the timer session's client PD):
    /// while the owner is held (<see cref="Hold(object)"/>) the entry does not fire; entries of other
    /// owners do. Otherwise as <see cref="Schedule(long, Action, long)"/>.
    /// </summary>
    public long Schedule(long dueMicroseconds, Action callback, long order, object? owner)
    {
        ArgumentNullException.ThrowIfNull(callback);
        ArgumentOutOfRangeException.ThrowIfNegative(order);
        lock (_lock)
        {
            _seq = Math.Max(_seq, order);
            long id = ++_seq;
            _queue.Enqueue(new Entry(id, dueMicroseconds, callback, owner), (dueMicroseconds, order == 0 ? id : order));
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
        get { lock (_lock) return _queue.Count + _deferred.Values.Sum(l => l.Count); }
    }

    private void Compact()
    {
        var live = _queue.UnorderedItems.Where(x => !_cancelled.Contains(x.Element.Id)).ToArray();
        _queue.Clear();
        // Cancellations of entries set aside for a held owner still count when they come back.
        _cancelled.IntersectWith(_deferred.Values.SelectMany(l => l).Select(x => x.Entry.Id));
        foreach (var (entry, priority) in live) _queue.Enqueue(entry, priority);
    }

    /// <summary>
    /// Stops the real-time firing thread until <see cref="Release()"/> (holds nest). A checkpoint holds the
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

    /// <summary>Undoes one <see cref="Hold()"/>.</summary>
    public void Release()
    {
        lock (_lock)
        {
            if (_holds == 0) throw new InvalidOperationException("timer queue is not held");
            _holds--;
            Monitor.PulseAll(_lock);
        }
    }

    /// <summary>
    /// Stops, on a real clock, the entries of <paramref name="owner"/> from firing until
    /// <see cref="Release(object)"/> (holds nest); entries of other owners fire on time. A callback of the
    /// owner already running finishes first. A checkpoint holds its child only, so a child whose pause
    /// is slow or stuck does not stop the ticks of every other child on the kernel.
    /// </summary>
    public void Hold(object owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        lock (_lock)
        {
            _ownerHolds[owner] = _ownerHolds.GetValueOrDefault(owner) + 1;
            while (_firing is not null && _firing != Thread.CurrentThread && ReferenceEquals(_firingOwner, owner)) Monitor.Wait(_lock);
        }
    }

    /// <summary>Undoes one <see cref="Hold(object)"/>; entries of the owner that fell due meanwhile fire right after, in order.</summary>
    public void Release(object owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        lock (_lock)
        {
            if (!_ownerHolds.TryGetValue(owner, out int holds)) throw new InvalidOperationException("timer queue is not held for this owner");
            if (holds > 1) _ownerHolds[owner] = holds - 1;
            else
            {
                _ownerHolds.Remove(owner);
                if (_deferred.Remove(owner, out var entries))
                    foreach (var (entry, priority) in entries) _queue.Enqueue(entry, priority);
            }
            Monitor.PulseAll(_lock);
        }
    }

    /// <summary>Whether <paramref name="owner"/> is held.</summary>
    public bool IsHeld(object owner)
    {
        lock (_lock) return _holds > 0 || _ownerHolds.ContainsKey(owner);
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
                _firingOwner = e.Owner;
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
                    _firingOwner = null;
                    Monitor.PulseAll(_lock);
                }
            }
            fired++;
        }
    }

    // Drops cancelled entries at the head and, on a real clock, sets aside those of held owners.
    // A virtual clock ignores holds: the host drives it, so nothing can fire during a checkpoint.
    private void DropCancelledHead()
    {
        while (_queue.TryPeek(out var e, out var priority))
        {
            if (_cancelled.Remove(e.Id)) _queue.Dequeue();
            else if (e.Owner is not null && !_clock.IsVirtual && _ownerHolds.ContainsKey(e.Owner))
            {
                _queue.Dequeue();
                if (!_deferred.TryGetValue(e.Owner, out var list)) _deferred[e.Owner] = list = new();
                list.Add((e, priority));
            }
            else return;
        }
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
