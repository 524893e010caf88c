namespace Rtcr.Benchmarks.Tracking;

/// <summary>What one epoch of a tracked child cost, next to the untracked baseline's same epoch (times in ms).</summary>
/// <param name="BaselineRunMs">Wall time of the untracked child's epoch.</param>
/// <param name="BaselineRunCpuMs">CPU time of the untracked child's epoch.</param>
/// <param name="RunMs">Wall time of the tracked child's epoch (its writes and every tracking fault).</param>
/// <param name="RunCpuMs">CPU time of the tracked child's epoch.</param>
/// <param name="Faults">Tracking faults resolved during the epoch.</param>
/// <param name="PauseMs">How long the checkpoint after the epoch froze the child (wall).</param>
/// <param name="TotalMs">Wall time of the whole checkpoint call.</param>
/// <param name="TotalCpuMs">CPU time of the whole checkpoint call.</param>
/// <param name="ImageBytes">Memory bytes in the delta image.</param>
public readonly record struct EpochSample(double BaselineRunMs, double BaselineRunCpuMs, double RunMs, double RunCpuMs, long Faults,
    double PauseMs, double TotalMs, double TotalCpuMs, long ImageBytes);
