namespace Rtcr.Benchmarks.Tracking;

/// <summary>What one epoch of a tracked child cost, next to the untracked baseline's same epoch.</summary>
/// <param name="BaselineRunMs">Wall time of the untracked child's epoch.</param>
/// <param name="RunMs">Wall time of the tracked child's epoch (its writes and every tracking fault).</param>
/// <param name="Faults">Tracking faults resolved during the epoch.</param>
/// <param name="DirtyBytes">Bytes the tracker held dirty before the checkpoint.</param>
/// <param name="PauseMs">How long the checkpoint after the epoch froze the child.</param>
/// <param name="TotalMs">Wall time of the whole checkpoint call.</param>
/// <param name="ImageBytes">Memory bytes in the delta image.</param>
public readonly record struct EpochSample(double BaselineRunMs, double RunMs, long Faults, long DirtyBytes, double PauseMs, double TotalMs, long ImageBytes);
