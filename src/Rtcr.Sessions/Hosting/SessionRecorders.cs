using Rtcr.Recording;

namespace Rtcr.Sessions;

/// <summary>The generated recorders and replayers of the seven core sessions and their RPC objects.</summary>
public static class SessionRecorders
{
    /// <summary>A registry with every session of this assembly registered.</summary>
    public static RecorderRegistry CreateRegistry()
    {
        var registry = new RecorderRegistry();
        Register(registry);
        return registry;
    }

    /// <summary>The schema id (<see cref="Checkpoint.SchemaId"/>) of the core sessions: what images written by a component host carry.</summary>
    public static ulong Schema { get; } = Checkpoint.SchemaId.Of(CreateRegistry());

    /// <summary>Registers this assembly's generated recorders in <paramref name="registry"/>.</summary>
    public static void Register(RecorderRegistry registry) => Rtcr.Generated.RtcrRecorders.RegisterAll(registry);
}
