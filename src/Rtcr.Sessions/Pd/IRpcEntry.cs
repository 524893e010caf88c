namespace Rtcr.Sessions;

/// <summary>An RPC entry capability: names an RPC handler of the component.</summary>
[RtcrRpcObject]
public interface IRpcEntry
{
    /// <summary>Name of the RPC handler.</summary>
    [Query] string Handler();
}
