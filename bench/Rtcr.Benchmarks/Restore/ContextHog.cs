using Rtcr.Sessions;

namespace Rtcr.Benchmarks.Restore;

/// <summary>
/// A component that allocates <paramref name="count"/> signal contexts through its PD session, so its
/// checkpoint holds that many recorded RPC objects and capabilities. Its code is one no-op handler.
/// </summary>
public sealed class ContextHog(int count) : IComponentProgram
{
    /// <inheritdoc />
    public string Name => "context_hog";

    /// <summary>Number of signal contexts it allocates.</summary>
    public int Count => count;

    /// <summary>Options with room for <see cref="Count"/> capabilities in space and quota.</summary>
    public ChildOptions Options => new() { CapSlots = count + 4096, CapQuota = 4L * count + 4000 };

    /// <inheritdoc />
    public void Register(Env env) => env.Entrypoint.Register("noop", _ => { });

    /// <inheritdoc />
    public void Construct(Env env)
    {
        var pd = env.Pd;
        var source = pd.AllocSignalSource();
        for (int i = 0; i < count; i++) pd.AllocContext(source, "noop");
    }
}
