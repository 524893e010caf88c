namespace Rtcr.Tracking;

/// <summary>What makes a designated dataspace dirty.</summary>
public enum TrackingMode
{
    /// <summary>
    /// The first write (designated dataspaces are attached read-only after a checkpoint and made
    /// writable by the fault handler). Reads never fault and never dirty anything. The default:
    /// see docs/incremental.md for the measurements behind it.
    /// </summary>
    Write,

    /// <summary>
    /// The first access of any kind (designated dataspaces are detached after a checkpoint and
    /// attached by the fault handler), as the original Rtcr does.
    /// </summary>
    Access,
}
