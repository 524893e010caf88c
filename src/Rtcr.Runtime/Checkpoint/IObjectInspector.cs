using Rtcr.Execution;
using Rtcr.Memory;

namespace Rtcr.Checkpoint;

/// <summary>
/// Tells the session-agnostic checkpoint engine what an RPC object holds that it must copy itself:
/// the memory behind a dataspace and the kernel signal context behind a signal-context capability.
/// The session layer implements it (it knows its interfaces; the engine does not).
/// </summary>
public interface IObjectInspector
{
    /// <summary>The memory behind a dataspace object, or null when the object is not a dataspace.</summary>
    DataspaceMemory? MemoryOf(object rpcObject);

    /// <summary>The kernel signal context behind a signal-context object, or null.</summary>
    SignalContext? SignalContextOf(object rpcObject);

    /// <summary>A short type name for inspection (e.g. the RPC interface's name).</summary>
    string Describe(object rpcObject);
}
