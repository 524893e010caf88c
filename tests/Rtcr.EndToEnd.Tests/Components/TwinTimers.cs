using Rtcr.Sessions;

namespace Rtcr.EndToEnd.Tests.Components;

/// <summary>
/// Two timer sessions that fall due at the same instant every period. The second session is
/// programmed first, so the order in which they fire (scheduling order) differs from the order the
/// sessions were created in; each handler logs, so the order shows in the LOG output.
/// </summary>
internal sealed class TwinTimers : IComponentProgram
{
    private const int Counter = 0, Log = 1, TimerA = 2, TimerB = 3;

    public string Name => "twin_timers";

    public void Register(Env env)
    {
        env.Entrypoint.Register("a", _ => Fire(env, "a"));
        env.Entrypoint.Register("b", _ => Fire(env, "b"));
    }

    public void Construct(Env env)
    {
        env.AllocAndAttach(4096, StatePage.Address);
        StatePage.Set(env, Log, env.Session<ILogSession>("LOG").Index);
        var a = env.Session<ITimerSession>("Timer", "a");
        var b = env.Session<ITimerSession>("Timer", "b");
        StatePage.Set(env, TimerA, a.Index);
        StatePage.Set(env, TimerB, b.Index);
        var source = env.Pd.AllocSignalSource();
        env.Invoke(a).Sigh(env.Pd.AllocContext(source, "a"));
        env.Invoke(b).Sigh(env.Pd.AllocContext(source, "b"));
        env.Invoke(b).TriggerPeriodic(5_000);
        env.Invoke(a).TriggerPeriodic(5_000);
    }

    private static void Fire(Env env, string which)
    {
        long n = StatePage.Get(env, Counter) + 1;
        StatePage.Set(env, Counter, n);
        StatePage.Log(env, Log).Write($"{which} {n} at {env.NowMicroseconds}");
    }
}
