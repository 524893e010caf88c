using System.Diagnostics.Tracing;

namespace Rtcr.Benchmarks.Support;

/// <summary>
/// Tallies the runtime's allocation-tick events (one per ≈ 100 KB allocated, naming the type of the
/// allocation that crossed the mark) by type: a sampling allocation profile without dotnet-counters
/// or dotnet-trace.
/// </summary>
public sealed class AllocationSampler : EventListener
{
    private readonly Dictionary<string, long> _bytes = new();
    private readonly Lock _lock = new();

    /// <summary>Whether samples are counted now.</summary>
    public bool Enabled { get; set; }

    /// <inheritdoc />
    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
            EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1); // GC keyword: AllocationTick
    }

    /// <inheritdoc />
    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!Enabled || e.EventName is null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null) return;
        int typeIndex = e.PayloadNames!.IndexOf("TypeName");
        int amountIndex = e.PayloadNames.IndexOf("AllocationAmount64");
        string type = typeIndex >= 0 ? e.Payload[typeIndex]?.ToString() ?? "?" : "?";
        long amount = amountIndex >= 0 ? Convert.ToInt64(e.Payload[amountIndex], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
        lock (_lock) _bytes[type] = _bytes.GetValueOrDefault(type) + amount;
    }

    /// <summary>The types with the most sampled bytes, largest first.</summary>
    public IReadOnlyList<(string Type, long Bytes)> Top(int count)
    {
        lock (_lock) return _bytes.OrderByDescending(p => p.Value).Take(count).Select(p => (p.Key, p.Value)).ToList();
    }
}
