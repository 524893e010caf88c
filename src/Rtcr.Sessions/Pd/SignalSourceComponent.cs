using Rtcr.Execution;

namespace Rtcr.Sessions;

/// <summary>Core's signal source: delivers to the client's entrypoint.</summary>
internal sealed class SignalSourceComponent(Entrypoint entrypoint) : ISignalSource
{
    public Entrypoint Target() => entrypoint;
}
