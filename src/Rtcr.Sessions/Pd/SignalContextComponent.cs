using Rtcr.Execution;

namespace Rtcr.Sessions;

/// <summary>Core's signal context capability object.</summary>
internal sealed class SignalContextComponent(SignalContext context) : ISignalContext
{
    public string Handler() => context.Handler;

    public SignalContext Context() => context;
}
