using System.Collections.Concurrent;
using System.Reflection;
using Rtcr.Checkpoint;
using Rtcr.Execution;
using Rtcr.Memory;

namespace Rtcr.Sessions;

/// <summary>Tells the checkpoint engine which RPC objects are dataspaces and signal contexts (through their interfaces, so recorders work too).</summary>
public sealed class SessionInspector : IObjectInspector
{
    private static readonly ConcurrentDictionary<Type, string> s_names = new();

    /// <summary>The shared instance.</summary>
    public static SessionInspector Instance { get; } = new();

    /// <inheritdoc />
    public DataspaceMemory? MemoryOf(object rpcObject) => (rpcObject as IDataspace)?.Memory();

    /// <inheritdoc />
    public SignalContext? SignalContextOf(object rpcObject) => (rpcObject as ISignalContext)?.Context();

    /// <inheritdoc />
    public string Describe(object rpcObject) => s_names.GetOrAdd(rpcObject.GetType(), static type =>
        type.GetInterfaces().FirstOrDefault(i => i.GetCustomAttribute<RtcrSessionAttribute>() is not null || i.GetCustomAttribute<RtcrRpcObjectAttribute>() is not null)?.Name
        ?? type.Name);
}
