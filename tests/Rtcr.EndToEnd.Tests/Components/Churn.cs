using Rtcr.Capabilities;
using Rtcr.Sessions;

namespace Rtcr.EndToEnd.Tests.Components;

/// <summary>
/// Every tick: asks the PD for its address space, stack and linker area and the ROM session for its
/// dataspace again (objects handed out again on every call), detaches and frees last tick's RAM
/// dataspace and allocates and attaches a new one, frees last tick's RPC capability and allocates a
/// new one, closes last tick's extra LOG session and opens a new one, and (for its first 16 ticks) upgrades its main LOG
/// session. Every index and the PD's free quota go into the LOG line, so any drift shows.
/// </summary>
internal sealed class Churn : IComponentProgram
{
    private const int Counter = 0, Log = 1, Timer = 2, Rom = 3, Ds = 4, DsAt = 5, Rpc = 6, Extra = 7;

    public string Name => "churn";

    public void Register(Env env) => env.Entrypoint.Register("tick", _ => Tick(env));

    public void Construct(Env env)
    {
        StatePage.Setup(env, Log, "tick", Timer);
        StatePage.Set(env, Rom, env.Session<IRomSession>("ROM", "config").Index);
        StatePage.Set(env, Ds, -1);
        StatePage.Set(env, Rpc, -1);
        StatePage.Set(env, Extra, -1);
        StatePage.Start(env, Timer, 10_000);
    }

    private static void Tick(Env env)
    {
        long n = StatePage.Get(env, Counter) + 1;
        StatePage.Set(env, Counter, n);
        var pd = env.Pd;
        int asp = pd.AddressSpace().Index, stack = pd.StackArea().Index, linker = pd.LinkerArea().Index;
        int rom = env.Invoke(StatePage.Cap<IRomSession>(env, Rom)).Dataspace().Index;
        var space = env.Invoke(pd.AddressSpace());

        if (StatePage.Get(env, Ds) >= 0)
        {
            space.Detach(StatePage.Get(env, DsAt));
            env.Ram.Free(StatePage.Cap<IDataspace>(env, Ds));
        }
        var ds = env.Ram.Alloc(4096 * (1 + n % 3), cached: true);
        long at = space.Attach(ds, 0, 0, 0x2000_0000 + (n % 4) * 0x1_0000, true, false);
        env.Memory.Write(at + 8 * (n % 7), n * 1_000_003);
        StatePage.Set(env, Ds, ds.Index);
        StatePage.Set(env, DsAt, at);

        if (StatePage.Get(env, Rpc) >= 0) pd.FreeRpcCap(StatePage.Cap<IRpcEntry>(env, Rpc));
        StatePage.Set(env, Rpc, pd.AllocRpcCap("rpc").Index);

        if (StatePage.Get(env, Extra) >= 0) env.Parent.Close(env.Domain, StatePage.Cap<ILogSession>(env, Extra));
        var extra = env.Session<ILogSession>("LOG", "extra");
        StatePage.Set(env, Extra, extra.Index);
        env.Invoke(extra).Write($"extra {n}");

        var log = StatePage.Cap<ILogSession>(env, Log);
        // Upgrades are never returned while the session lives: bounded, so long threaded runs do not exhaust the PD.
        if (n <= 16) env.Upgrade(log, 1024, 0, (s, ram, caps) => s.Upgrade(ram, caps));
        env.Invoke(log).Write($"tick {n} asp={asp} stack={stack} linker={linker} rom={rom} ds={ds.Index}@{at:x} rpc={StatePage.Get(env, Rpc)} extra={extra.Index} " +
            $"pd free ram={pd.RamQuota() - pd.UsedRam()} caps={pd.CapQuota() - pd.UsedCaps()}");
    }
}
