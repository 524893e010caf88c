using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Rtcr.Benchmarks.Support;
using Rtcr.Checkpoint;
using Rtcr.Sessions;

namespace Rtcr.Benchmarks.Restore;

/// <summary>
/// Restore time of a child holding N = 10 … 100 000 RPC objects (signal contexts, each with a
/// capability), each restore into a fresh host. Linear growth shows as a constant time per object
/// in the "µs/object" column; the slope between sizes is computed in docs/benchmarks.md.
/// </summary>
[Config(typeof(RestoreScalingBenchmarks.Columns))]
public class RestoreScalingBenchmarks
{
    private CheckpointImage _image = null!;
    private ComponentHost _host = null!;

    /// <summary>Number of signal contexts (RPC objects with a capability each).</summary>
    [Params(10, 100, 1_000, 10_000, 100_000)]
    public int Objects { get; set; }

    /// <summary>Runs the hog once and checkpoints it; the image is restored by every iteration.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var hog = new ContextHog(Objects);
        using var host = new ComponentHost();
        var child = host.Start(hog, "<config/>", hog.Options);
        _image = host.Checkpoint(child);
        if (_image.Manifest.Capabilities.Count < Objects)
            throw new InvalidOperationException($"the checkpoint holds {_image.Manifest.Capabilities.Count} capabilities, expected at least {Objects}");
    }

    /// <summary>A fresh host (not timed), so every restore starts from the same empty state.</summary>
    [IterationSetup]
    public void NewHost() => _host = new ComponentHost(startMicroseconds: _image.Manifest.ClockMicroseconds);

    /// <summary>Drops the host and its restored child.</summary>
    [IterationCleanup]
    public void DropHost() => _host.Dispose();

    /// <summary>Restore: sessions, N contexts, capability space at the old indices, resume.</summary>
    [Benchmark]
    public Child Restore() => _host.Restore(_image, _ => new ContextHog(Objects));

    private sealed class Columns : ManualConfig
    {
        public Columns()
        {
            Add(new HeavyConfig());
            AddColumn(new PerUnitColumn("µs/object", nameof(Objects), static (meanNs, n) => meanNs / 1000.0 / n, "F3",
                "mean restore time divided by the number of objects"));
        }
    }
}
