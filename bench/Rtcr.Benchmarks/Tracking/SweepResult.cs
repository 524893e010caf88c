using Rtcr.Benchmarks.Support;

namespace Rtcr.Benchmarks.Tracking;

/// <summary>
/// The measured epochs of one pattern and tracking configuration, with the full checkpoints of the
/// same child taken after them. Times are medians over the epochs; the cost of an epoch is the
/// child's runtime overhead (tracked minus untracked run time) plus the whole incremental checkpoint.
/// </summary>
public sealed class SweepResult(string pattern, TrackedSetup setup, IReadOnlyList<EpochSample> warmup, IReadOnlyList<EpochSample> measured,
    IReadOnlyList<double> fullPauseMs, IReadOnlyList<double> fullTotalMs, string finalGranularities)
{
    /// <summary>memory_writer pattern.</summary>
    public string Pattern { get; } = pattern;

    /// <summary>The tracking configuration.</summary>
    public TrackedSetup Setup { get; } = setup;

    /// <summary>Epochs measured after the warm-up.</summary>
    public IReadOnlyList<EpochSample> Measured { get; } = measured;

    /// <summary>Designated-dataspace sizes of the working set at the end, e.g. "4K x 60, 8K x 4".</summary>
    public string FinalGranularities { get; } = finalGranularities;

    /// <summary>Median untracked run time of an epoch.</summary>
    public double BaselineRunMs => Percentiles.Median(Measured.Select(e => e.BaselineRunMs).ToArray());

    /// <summary>Median tracked run time of an epoch.</summary>
    public double RunMs => Percentiles.Median(Measured.Select(e => e.RunMs).ToArray());

    /// <summary>Tracked over untracked run time.</summary>
    public double Slowdown => RunMs / BaselineRunMs;

    /// <summary>Run time the tracking adds to an epoch.</summary>
    public double RuntimeOverheadMs => RunMs - BaselineRunMs;

    /// <summary>Median faults per epoch.</summary>
    public double FaultsPerEpoch => Percentiles.Median(Measured.Select(e => (double)e.Faults).ToArray());

    /// <summary>Faults over the tracked run time of all measured epochs.</summary>
    public double FaultsPerSecond => Measured.Sum(e => e.Faults) / (Measured.Sum(e => e.RunMs) / 1000.0);

    /// <summary>
    /// Added run time per fault, in microseconds; NaN below 100 faults per epoch, where the few
    /// faults' time is lost in the noise of the run time.
    /// </summary>
    public double MicrosecondsPerFault => FaultsPerEpoch >= 100 ? RuntimeOverheadMs * 1000.0 / FaultsPerEpoch : double.NaN;

    /// <summary>Median pause of an incremental checkpoint.</summary>
    public double PauseMs => Percentiles.Median(Measured.Select(e => e.PauseMs).ToArray());

    /// <summary>Median total time of an incremental checkpoint.</summary>
    public double TotalMs => Percentiles.Median(Measured.Select(e => e.TotalMs).ToArray());

    /// <summary>Mean memory bytes of a delta.</summary>
    public double ImageBytes => Measured.Average(e => (double)e.ImageBytes);

    /// <summary>Median pause of a full checkpoint of the same child.</summary>
    public double FullPauseMs => Percentiles.Median(fullPauseMs);

    /// <summary>Median total time of a full checkpoint of the same child.</summary>
    public double FullTotalMs => Percentiles.Median(fullTotalMs);

    /// <summary>Runtime overhead plus incremental checkpoint time, per epoch.</summary>
    public double CostMs => RuntimeOverheadMs + TotalMs;

    /// <summary>
    /// The same cost over every epoch from the first delta on, warm-up included (what adaptive mode
    /// pays while it converges): mean per epoch.
    /// </summary>
    public double CostFromStartMs
    {
        get
        {
            var all = warmup.Concat(Measured).ToArray();
            return all.Average(e => e.RunMs - e.BaselineRunMs + e.TotalMs);
        }
    }
}
