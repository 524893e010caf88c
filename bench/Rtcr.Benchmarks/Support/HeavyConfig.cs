using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;

namespace Rtcr.Benchmarks.Support;

/// <summary>
/// For operations of milliseconds to seconds (checkpoint, restore): one invocation per iteration,
/// since one 1 GiB checkpoint already takes far longer than the timer resolution, and few iterations
/// so that the largest sizes finish in seconds rather than minutes.
/// </summary>
public sealed class HeavyConfig : ManualConfig
{
    /// <summary>Creates the config.</summary>
    public HeavyConfig()
    {
        AddJob(Job.ShortRun.WithWarmupCount(2).WithIterationCount(5).WithInvocationCount(1).WithUnrollFactor(1).WithId("Heavy"));
        AddColumn(StatisticColumn.Median);
        SummaryStyle = SummaryStyle.Default.WithRatioStyle(RatioStyle.Value);
    }
}
