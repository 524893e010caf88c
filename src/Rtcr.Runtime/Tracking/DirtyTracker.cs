using Rtcr.Execution;

namespace Rtcr.Tracking;

/// <summary>
/// Dirty tracking for one child: allocates its RAM as <see cref="TrackedDataspace"/>s and resolves
/// their faults on an entrypoint of the parent (its own thread in threaded execution), never on the
/// child's entrypoint, so a frozen child can never wait on a fault only it could resolve.
/// </summary>
public sealed class DirtyTracker : IDisposable
{
    private readonly Kernel _kernel;
    private readonly Dictionary<string, TrackedDataspace> _live = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private int _allocations;

    /// <summary>Creates the tracker and the parent's fault-handler entrypoint for <paramref name="childLabel"/>.</summary>
    public DirtyTracker(Kernel kernel, string childLabel, TrackingOptions options)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _kernel = kernel;
        Options = options;
        ChildLabel = childLabel;
        FaultHandler = kernel.CreateEntrypoint($"rtcr:faults:{childLabel}");
    }

    /// <summary>The tracking settings.</summary>
    public TrackingOptions Options { get; }

    /// <summary>Label of the tracked child.</summary>
    public string ChildLabel { get; }

    /// <summary>The parent's entrypoint that resolves tracking faults.</summary>
    public Entrypoint FaultHandler { get; }

    /// <summary>The child's live tracked dataspaces, in allocation order.</summary>
    public IReadOnlyList<TrackedDataspace> Dataspaces
    {
        get { lock (_lock) return _live.Values.ToArray(); }
    }

    /// <summary>Faults resolved over all live dataspaces.</summary>
    public long Faults => Dataspaces.Sum(d => d.Faults);

    /// <summary>Bytes the next incremental checkpoint would copy.</summary>
    public long DirtyBytes => Dataspaces.Sum(d => d.DirtyBytes);

    /// <summary>Allocates a tracked dataspace of <paramref name="size"/> bytes for the child.</summary>
    public TrackedDataspace Allocate(long size)
    {
        int ordinal;
        lock (_lock) ordinal = _allocations++;
        long granularity = Options.GranularityFor?.Invoke(ordinal, size) ?? Options.Granularity;
        string handler = $"ds{ordinal}";
        var ds = new TrackedDataspace($"{ChildLabel}/ram{ordinal}", size, granularity, Options);
        lock (_lock) _live[handler] = ds;
        FaultHandler.Register(handler, _ => Resolve(handler));
        ds.Map.SetFaultHandler(new SignalContext(FaultHandler, handler));
        return ds;
    }

    /// <summary>Frees a tracked dataspace (the child freed its RAM).</summary>
    public void Free(TrackedDataspace dataspace)
    {
        lock (_lock)
        {
            foreach (var (name, ds) in _live)
                if (ReferenceEquals(ds, dataspace)) { _live.Remove(name); break; }
        }
        dataspace.Dispose();
    }

    private void Resolve(string handler)
    {
        TrackedDataspace? ds;
        lock (_lock) _live.TryGetValue(handler, out ds);
        ds?.ResolveFault();
    }

    /// <summary>Stops the fault handler and frees every tracked dataspace still alive.</summary>
    public void Dispose()
    {
        _kernel.DestroyEntrypoint(FaultHandler);
        TrackedDataspace[] all;
        lock (_lock)
        {
            all = _live.Values.ToArray();
            _live.Clear();
        }
        foreach (var ds in all) ds.Dispose();
    }
}
