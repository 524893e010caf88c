using Rtcr.Benchmarks.Support;

namespace Rtcr.Benchmarks.Tracking;

/// <summary>
/// The measured epochs of one pattern and tracking configuration, with the full checkpoints of the
/// same child taken after them. Values are medians over the epochs. Run and checkpoint times are CPU
/// times of the measuring thread (deterministic execution does all the work on it), so the other
/// work on the shared cores does not enter; the pause is wall time, as the checkpointer measures it.
/// The cost of an epoch is the child's runtime overhead (tracked minus untracked run time) plus the
/// whole incremental checkpoint; the child-visible cost is the runtime overhead plus the pause.
/// </summary>
public sealed class SweepResult(string pattern, TrackedSetup setup, IReadOnlyList<EpochSample> warmup, IReadOnlyList<EpochSample> measured,
    IReadOnlyList<EpochSample> full, string finalGranularities)
{
    /// <summary>memory_writer pattern.</summary>
    public string Pattern { get; } = pattern;

    /// <summary>The tracking configuration.</summary>
    public TrackedSetup Setup { get; } = setup;

    /// <summary>Designated-dataspace sizes of the working set at the end, e.g. "4K x 60, 8K x 4".</summary>
    public string FinalGranularities { get; } = finalGranularities;

    /// <summary>Untracked run time of an epoch (CPU).</summary>
    public double BaselineRunMs => Median(measured, e => e.BaselineRunCpuMs);

    /// <summary>Tracked run time of an epoch (CPU).</summary>
    public double RunMs => Median(measured, e => e.RunCpuMs);

    /// <summary>Tracked over untracked run time (CPU).</summary>
    public double Slowdown => RunMs / BaselineRunMs;

    /// <summary>Tracked over untracked run time in wall time, as a cross-check of the CPU ratio.</summary>
    public double WallSlowdown => Median(measured, e => e.RunMs) / Median(measured, e => e.BaselineRunMs);

    /// <summary>Run time the tracking adds to an epoch (CPU).</summary>
    public double RuntimeOverheadMs => RunMs - BaselineRunMs;

    /// <summary>Faults per epoch.</summary>
    public double FaultsPerEpoch => Median(measured, e => e.Faults);

    /// <summary>Faults per second of the tracked child's run time (CPU) over all measured epochs.</summary>
    public double FaultsPerSecond => measured.Sum(e => e.Faults) / (measured.Sum(e => e.RunCpuMs) / 1000.0);

    /// <summary>
    /// Added run time per fault, in microseconds; NaN below 100 faults per epoch, where the few
    /// faults' time is lost in the noise of the run time.
    /// </summary>
    public double MicrosecondsPerFault => FaultsPerEpoch >= 100 ? RuntimeOverheadMs * 1000.0 / FaultsPerEpoch : double.NaN;

    /// <summary>Pause of an incremental checkpoint (wall).</summary>
    public double PauseMs => Median(measured, e => e.PauseMs);

    /// <summary>Total time of an incremental checkpoint (CPU).</summary>
    public double TotalMs => Median(measured, e => e.TotalCpuMs);

    /// <summary>Mean memory bytes of a delta.</summary>
    public double ImageBytes => measured.Average(e => (double)e.ImageBytes);

    /// <summary>Pause of a full checkpoint of the same child (wall).</summary>
    public double FullPauseMs => Median(full, e => e.PauseMs);

    /// <summary>Total time of a full checkpoint of the same child (CPU).</summary>
    public double FullTotalMs => Median(full, e => e.TotalCpuMs);

    /// <summary>Runtime overhead plus incremental checkpoint total, per epoch.</summary>
    public double CostMs => RuntimeOverheadMs + TotalMs;

    /// <summary>Runtime overhead plus pause: what the child itself loses per epoch.</summary>
    public double ChildCostMs => RuntimeOverheadMs + PauseMs;

    /// <summary>
    /// The cost as a mean over every epoch from the first delta on, warm-up included (what adaptive
    /// mode pays while it converges).
    /// </summary>
    public double CostFromStartMs => warmup.Concat(measured).Average(e => e.RunCpuMs - e.BaselineRunCpuMs + e.TotalCpuMs);

    private static double Median(IReadOnlyList<EpochSample> samples, Func<EpochSample, double> value) =>
        Percentiles.Median(samples.Select(value).ToArray());
}
