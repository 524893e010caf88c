using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;

namespace Rtcr.Benchmarks.Support;

/// <summary>
/// ShortRun (1 launch, 3 warm-up, 3 measured iterations): the benchmark machine has two cores shared
/// with builds and tests, so absolute numbers are noisy anyway; every suite therefore measures its
/// baseline in the same run and the tables are read as ratios.
/// </summary>
public sealed class ShortConfig : ManualConfig
{
    /// <summary>Creates the config.</summary>
    public ShortConfig()
    {
        AddJob(Job.ShortRun);
        AddColumn(StatisticColumn.Median);
        SummaryStyle = SummaryStyle.Default.WithRatioStyle(RatioStyle.Value);
    }
}
