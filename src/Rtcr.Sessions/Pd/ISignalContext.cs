using Rtcr.Execution;

namespace Rtcr.Sessions;

/// <summary>A signal context capability: submitting to it runs its handler on the component's entrypoint.</summary>
[RtcrRpcObject]
public interface ISignalContext
{
    /// <summary>Name of the handler it calls.</summary>
    [Query] string Handler();

    /// <summary>The kernel signal context behind the capability.</summary>
    [Query] SignalContext Context();
}
