using Rtcr.Sessions;

namespace Rtcr.EndToEnd.Tests.Components;

/// <summary>
/// Every tick allocates a signal context for handler "ping", submits two signals to it and frees it
/// before they are delivered; a long-lived context for the same handler is submitted too, so the
/// handler keeps running while contexts with pending signals are freed.
/// </summary>
internal sealed class SignalDropper : IComponentProgram
{
    private const int Counter = 0, Log = 1, Timer = 2, Source = 3, Live = 4, Pings = 5;

    public string Name => "signal_dropper";

    public void Register(Env env)
    {
        env.Entrypoint.Register("tick", _ => Tick(env));
        env.Entrypoint.Register("ping", count =>
        {
            StatePage.Set(env, Pings, StatePage.Get(env, Pings) + count);
            StatePage.Log(env, Log).Write($"ping x{count} total {StatePage.Get(env, Pings)}");
        });
    }

    public void Construct(Env env)
    {
        StatePage.Setup(env, Log, "tick", Timer);
        var source = env.Pd.AllocSignalSource();
        StatePage.Set(env, Source, source.Index);
        StatePage.Set(env, Live, env.Pd.AllocContext(source, "ping").Index);
        StatePage.Start(env, Timer, 3_000);
    }

    private static void Tick(Env env)
    {
        long n = StatePage.Get(env, Counter) + 1;
        StatePage.Set(env, Counter, n);
        var pd = env.Pd;
        var doomed = pd.AllocContext(StatePage.Cap<ISignalSource>(env, Source), "ping");
        pd.Submit(doomed, 2);
        if (n % 2 == 0) pd.Submit(StatePage.Cap<ISignalContext>(env, Live), 1);
        pd.FreeContext(doomed);
        StatePage.Log(env, Log).Write($"tick {n} freed context {doomed.Index}");
    }
}
