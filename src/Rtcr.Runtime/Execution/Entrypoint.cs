namespace Rtcr.Execution;

/// <summary>
/// A component's entrypoint: runs signal handlers one at a time, each to completion. In deterministic
/// execution the kernel drains it inline; in threaded execution it has its own thread. Pausing takes
/// effect at a handler boundary.
/// </summary>
public sealed class Entrypoint : IDisposable
{
    /// <summary>How long tearing down waits for a running handler to return before it leaves the OS thread behind.</summary>
    public static readonly TimeSpan KillTimeout = TimeSpan.FromSeconds(5);

    private readonly Dictionary<string, Action<int>> _handlers = new(StringComparer.Ordinal);
    private readonly Queue<SignalContext> _queue = new();
    private readonly object _lock = new(); // object, not Lock: Monitor.Wait/Pulse are used on it
    private readonly Thread? _thread;
    private bool _paused, _running, _disposed;
    private Exception? _failure;

    /// <summary>Creates an entrypoint; <paramref name="inline"/> selects deterministic execution.</summary>
    public Entrypoint(string name, bool inline)
    {
        Name = name;
        IsInline = inline;
        if (!inline)
        {
            _thread = new Thread(Run) { IsBackground = true, Name = $"ep:{name}" };
            _thread.Start();
        }
    }

    /// <summary>
    /// Raised on the dispatching thread after a handler has completed (and the entrypoint is at a
    /// handler boundary again); hosts count ticks and take checkpoints from here.
    /// </summary>
    public event Action<SignalContext, int>? HandlerCompleted;

    /// <summary>Number of handler runs completed.</summary>
    public long Dispatched => Interlocked.Read(ref _dispatched);

    private long _dispatched;

    /// <summary>Name (the component's label).</summary>
    public string Name { get; }

    /// <summary>True when handlers run inline, driven by the kernel (deterministic execution).</summary>
    public bool IsInline { get; }

    /// <summary>Whether dispatching is paused.</summary>
    public bool IsPaused
    {
        get { lock (_lock) return _paused; }
    }

    /// <summary>The exception that stopped a threaded entrypoint, if any.</summary>
    public Exception? Failure
    {
        get { lock (_lock) return _failure; }
    }

    /// <summary>Names of the registered handlers.</summary>
    public IReadOnlyCollection<string> HandlerNames
    {
        get { lock (_lock) return _handlers.Keys.ToArray(); }
    }

    /// <summary>Registers a handler under a stable name; the argument is the number of coalesced signals.</summary>
    public void Register(string name, Action<int> handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(handler);
        lock (_lock)
        {
            if (!_handlers.TryAdd(name, handler))
                throw new InvalidOperationException($"entrypoint '{Name}' already has a handler named '{name}'");
        }
    }

    /// <summary>Whether a handler of that name is registered.</summary>
    public bool HasHandler(string name)
    {
        lock (_lock) return _handlers.ContainsKey(name);
    }

    /// <summary>Signals waiting for delivery, in delivery order (read by a checkpoint).</summary>
    public IReadOnlyList<(SignalContext Context, int Count)> PendingSignals()
    {
        lock (_lock) return _queue.Select(c => (c, c.Pending)).ToArray();
    }

    internal void Enqueue(SignalContext context, int count)
    {
        lock (_lock)
        {
            if (context.IsRevoked) return;
            if (context.Pending == 0) _queue.Enqueue(context);
            context.Pending += count;
            Monitor.PulseAll(_lock);
        }
    }

    // Drops the pending signals of a freed context (SignalContext.Revoke); checked under the same lock as Enqueue.
    internal void Discard(SignalContext context)
    {
        lock (_lock)
        {
            if (context.Pending == 0) return;
            context.Pending = 0;
            var rest = _queue.Where(c => c != context).ToArray();
            _queue.Clear();
            foreach (var c in rest) _queue.Enqueue(c);
            Monitor.PulseAll(_lock);
        }
    }

    /// <summary>
    /// Runs one pending handler unless paused or idle; returns whether one ran. For inline entrypoints
    /// only: a threaded entrypoint dispatches by itself.
    /// </summary>
    public bool DispatchOne()
    {
        if (!IsInline) throw new InvalidOperationException($"entrypoint '{Name}' runs on its own thread");
        return TryDispatch();
    }

    /// <summary>Runs pending handlers until none is left (inline entrypoints only).</summary>
    public int DispatchAllPending()
    {
        int n = 0;
        while (DispatchOne()) n++;
        return n;
    }

    /// <summary>
    /// Stops dispatching at the next handler boundary and, for a threaded entrypoint, waits until the
    /// running handler (if any) has completed.
    /// </summary>
    public void Pause()
    {
        RequestPause();
        WaitPaused(Timeout.InfiniteTimeSpan);
    }

    /// <summary>Stops dispatching at the next handler boundary without waiting for a running handler.</summary>
    public void RequestPause()
    {
        lock (_lock) _paused = true;
    }

    /// <summary>
    /// Waits until a paused threaded entrypoint's running handler (if any) has completed, at most
    /// <paramref name="timeout"/> (<see cref="Timeout.InfiniteTimeSpan"/>: no limit). An inline entrypoint
    /// is at a boundary whenever the caller is not inside one of its handlers.
    /// </summary>
    /// <returns>False when the timeout passed with a handler still running.</returns>
    public bool WaitPaused(TimeSpan timeout) => WaitPaused(WaitDeadline.After(timeout));

    internal bool WaitPaused(WaitDeadline deadline)
    {
        lock (_lock)
        {
            while (_running && !IsInline)
                if (!deadline.Wait(_lock)) return false;
            return true;
        }
    }

    /// <summary>Name of the handler running right now, or null at a handler boundary (reported when a pause times out).</summary>
    public string? RunningHandler
    {
        get { lock (_lock) return _running ? _current : null; }
    }

    private string? _current;

    /// <summary>Resumes dispatching.</summary>
    public void Resume()
    {
        lock (_lock)
        {
            _paused = false;
            Monitor.PulseAll(_lock);
        }
    }

    /// <summary>Blocks until no signal is pending and no handler runs (threaded entrypoints), or the timeout passes.</summary>
    public bool WaitIdle(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        lock (_lock)
        {
            while ((_queue.Count > 0 && !_paused) || _running)
            {
                if (_failure is not null) return false;
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero) return false;
                Monitor.Wait(_lock, left);
            }
            return true;
        }
    }

    private bool TryDispatch()
    {
        SignalContext context;
        int count;
        Action<int>? handler;
        lock (_lock)
        {
            if (_paused || _disposed || _running || _queue.Count == 0) return false;
            context = _queue.Dequeue();
            count = context.Pending;
            context.Pending = 0;
            if (!_handlers.TryGetValue(context.Handler, out handler))
                throw new InvalidOperationException($"entrypoint '{Name}' has no handler named '{context.Handler}' (registered: {string.Join(", ", _handlers.Keys)})");
            _running = true;
            _current = context.Handler;
        }
        try
        {
            handler(count);
        }
        finally
        {
            lock (_lock)
            {
                _running = false;
                Monitor.PulseAll(_lock);
            }
        }
        Interlocked.Increment(ref _dispatched);
        HandlerCompleted?.Invoke(context, count);
        return true;
    }

    // Stops the entrypoint for good after a handler threw (the kernel contains the failure).
    internal void Fail(Exception failure)
    {
        lock (_lock)
        {
            _failure ??= failure;
            _disposed = true;
            Monitor.PulseAll(_lock);
        }
    }

    private void Run()
    {
        while (true)
        {
            lock (_lock)
            {
                while (!_disposed && (_paused || _queue.Count == 0)) Monitor.Wait(_lock);
                if (_disposed) return;
            }
            try
            {
                TryDispatch();
            }
            catch (Exception ex)
            {
                // A crashing handler stops the component, as an unhandled exception stops a Genode
                // component; the host reads Failure and reports it.
                Fail(ex);
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

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            Monitor.PulseAll(_lock);
        }
        // Bounded: a handler that never returns (a hostile child) must not hang the parent tearing the
        // child down. The OS thread is a background thread; it ends as soon as the handler returns.
        if (_thread is not null && _thread != Thread.CurrentThread) _thread.Join(KillTimeout);
    }
}
