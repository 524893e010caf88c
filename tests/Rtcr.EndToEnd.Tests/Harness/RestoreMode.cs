namespace Rtcr.EndToEnd.Tests.Harness;

/// <summary>How a checkpoint is restored; later issues add incremental chains and migration.</summary>
public enum RestoreMode
{
    /// <summary>Image written to a file and read back; restored into a fresh kernel in this process.</summary>
    SameProcess,
    /// <summary>Checkpointed by one <c>rtcr run</c> process (which then exits), restored by another <c>rtcr restore</c> process.</summary>
    NewProcess,
}
