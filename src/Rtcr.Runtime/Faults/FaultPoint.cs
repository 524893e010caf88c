namespace Rtcr.Faults;

/// <summary>
/// A place in checkpoint, image I/O and restore where an <see cref="IFaultInjector"/> is asked whether
/// to fail. Each is a point where the real world can fail (a full disk, a failed fsync, a replay that
/// throws …); tests inject faults there to check that a failure leaves the previous image, the running
/// child and the parent intact (see docs/reliability.md).
/// </summary>
public enum FaultPoint
{
    /// <summary>Before each block of bytes an image writer puts into its temporary file (disk full, write error mid-image). Subject: bytes written so far (<see cref="long"/>).</summary>
    ImageWrite,

    /// <summary>Before the temporary image file is flushed to disk (fsync failure). Subject: the temporary file's path.</summary>
    ImageFlush,

    /// <summary>Before the temporary image file is renamed over the final name (rename failure). Subject: the final path.</summary>
    ImageRename,

    /// <summary>After each block of bytes an image reader got from its file (corrupt read, I/O error). Subject: the bytes just read (<see cref="Memory{T}"/> of <see cref="byte"/>), which the injector may alter.</summary>
    ImageRead,

    /// <summary>After a checkpoint's buffers are prepared, before the child is frozen (the child frees a dataspace concurrently). Subject: the child's <see cref="ProtectionDomain"/>.</summary>
    CheckpointPrepared,

    /// <summary>While the child is frozen, before its state is captured (a capture that fails). Subject: the child's <see cref="ProtectionDomain"/>.</summary>
    CheckpointFrozen,

    /// <summary>Before a restore creates the child's sessions (quota exhausted during restore). Subject: the new child's <see cref="ProtectionDomain"/>.</summary>
    RestoreSessions,

    /// <summary>After one session's recorded creations were replayed (a replay that throws). Subject: the session's service name.</summary>
    RestoreReplay,

    /// <summary>Before one dataspace's content is refilled during restore. Subject: the dataspace's badge in the image (<see cref="long"/>).</summary>
    RestoreContent,

    /// <summary>Before the control server writes its reply to a client (the client disconnected mid-request). Subject: the reply line.</summary>
    ControlReply,

    /// <summary>Before a directory is flushed to disk after a file in it was renamed, created or deleted (fsync of the directory fails). Subject: the directory's full path.</summary>
    DirectorySync,
}
