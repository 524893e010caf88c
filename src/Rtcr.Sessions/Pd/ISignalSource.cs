using Rtcr.Execution;

namespace Rtcr.Sessions;

/// <summary>A signal source: where contexts deliver; bound to the component's entrypoint.</summary>
[RtcrRpcObject]
public interface ISignalSource
{
    /// <summary>The entrypoint signals are delivered to.</summary>
    [Query] Entrypoint Target();
}
