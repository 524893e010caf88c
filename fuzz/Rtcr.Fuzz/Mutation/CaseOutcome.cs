namespace Rtcr.Fuzz;

/// <summary>How one mutated image fared.</summary>
internal enum CaseOutcome
{
    /// <summary>Read and restored; the child ran its first ticks (and, when the image said nothing new, equals the checkpointed one).</summary>
    Restored,
    /// <summary>Refused with an <c>ImageFormatException</c> or a <c>RestoreException</c>.</summary>
    Refused,
    /// <summary>Anything else: another exception type, a restored child that fails at once, a state that differs.</summary>
    Failed,
    /// <summary>No result within the per-case timeout.</summary>
    Hung,
}
