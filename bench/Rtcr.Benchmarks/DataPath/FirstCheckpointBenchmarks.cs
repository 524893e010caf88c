using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using Rtcr.Samples;
using Rtcr.Sessions;

namespace Rtcr.Benchmarks.DataPath;

/// <summary>
/// The first checkpoint of a process against steady state, for sheep_counter and memory_writer
/// (default configs). Job <c>First</c> is a cold start: five processes, each timing exactly one
/// checkpoint — the first of its process (no jitting stage, no warm-up). Job <c>Steady</c> times
/// checkpoints after warm-up iterations. Setup does what <c>rtcr run</c> does before the child
/// starts: <see cref="CheckpointWarmUp"/> (unless <see cref="WarmUp"/> is false, to show what it
/// saves). The time is the whole <c>ComponentHost.Checkpoint</c> call (pause included). Goal:
/// first ≤ 2× steady.
/// </summary>
[Config(typeof(Jobs))]
public class FirstCheckpointBenchmarks
{
    private ComponentHost _host = null!;
    private Child _child = null!;

    /// <summary>The sample component.</summary>
    [Params("sheep_counter", "memory_writer")]
    public string Component { get; set; } = "";

    /// <summary>Whether setup runs the CLI's warm-up first.</summary>
    [Params(true, false)]
    public bool WarmUp { get; set; }

    /// <summary>Warm-up (as the CLI), host and child started, one tick run.</summary>
    [GlobalSetup]
    public void Setup()
    {
        if (WarmUp) CheckpointWarmUp.Ensure();
        _host = new ComponentHost();
        _child = _host.Start(SampleCatalog.Create(Component), SampleCatalog.DefaultConfig(Component));
        _host.RunTicks(_child, 1);
    }

    /// <summary>Stops the child.</summary>
    [GlobalCleanup]
    public void Cleanup() => _host.Dispose();

    /// <summary>One full checkpoint; its buffers go back to the pool as the CLI does after writing.</summary>
    [Benchmark]
    public TimeSpan Checkpoint()
    {
        var image = _host.Checkpoint(_child);
        image.ReleaseBuffers();
        return _host.LastPauseTime;
    }

    private sealed class Jobs : ManualConfig
    {
        public Jobs()
        {
            AddJob(Job.Default.WithStrategy(RunStrategy.ColdStart).WithLaunchCount(5).WithWarmupCount(0).WithIterationCount(1)
                .WithInvocationCount(1).WithUnrollFactor(1).WithId("First"));
            AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(7).WithInvocationCount(1).WithUnrollFactor(1).WithId("Steady"));
            AddColumn(StatisticColumn.Median, StatisticColumn.Min, StatisticColumn.Max);
            SummaryStyle = SummaryStyle.Default.WithRatioStyle(RatioStyle.Value);
            // The cold-start job needs BDN's own build of the suite; on the loaded 2-core machine the default 2 minutes were not enough.
            BuildTimeout = TimeSpan.FromMinutes(15);
        }
    }
}
