namespace Rtcr.Sessions;

/// <summary>A signal source: where contexts deliver; bound to the component's entrypoint.</summary>
[RtcrRpcObject]
public interface ISignalSource
{
    /// <summary>Name of the entrypoint signals are delivered to.</summary>
    [Query] string Entrypoint();
}
