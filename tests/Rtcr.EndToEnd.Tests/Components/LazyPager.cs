using Rtcr.Execution;
using Rtcr.Memory;
using Rtcr.Sessions;

namespace Rtcr.EndToEnd.Tests.Components;

/// <summary>
/// Memory paged in lazily: a 1 MiB region map (from an RM session) is attached as a managed
/// dataspace with a fault handler; a "toucher" thread writes one word per step, spread over its 64
/// pages of 16 KiB, and every first touch of a page faults; the handler attaches a fresh RAM
/// dataspace there. Each step does exactly one access, so a step restarted after a fault (as a
/// CPU restarts a faulting instruction) has no side effect twice.
/// </summary>
internal sealed class LazyPager : IComponentProgram
{
    public const long Base = 0x3000_0000;
    public const long PageSize = 16 * 1024;
    public const int Pages = 64;
    private const int Counter = 0, Log = 1, Timer = 2, Map = 3, PagesIn = 4, Thread = 5;
    private const long ThreadWord = StatePage.Address + 0x100;

    public string Name => "lazy_pager";

    public void Register(Env env)
    {
        env.Domain.Programs["toucher"] = new Toucher();
        env.Entrypoint.Register("fault", _ => Fault(env));
        env.Entrypoint.Register("tick", _ => Tick(env));
    }

    public void Construct(Env env)
    {
        StatePage.Setup(env, Log, "tick", Timer);
        var rm = env.Session<IRmSession>("RM", "pager", ramQuota: 8 * 1024, capQuota: 8);
        var map = env.Invoke(rm).Create(Pages * PageSize);
        StatePage.Set(env, Map, map.Index);
        env.Invoke(map).FaultHandler(env.Pd.AllocContext(env.Pd.AllocSignalSource(), "fault"));
        env.Invoke(env.Pd.AddressSpace()).Attach(env.Invoke(map).Dataspace(), 0, 0, Base, true, false);
        var thread = env.Cpu.CreateThread(env.Caps.Pd, "toucher", 0, 1);
        StatePage.Set(env, Thread, thread.Index);
        env.Invoke(thread).Start(0, ThreadWord);
        StatePage.Start(env, Timer, 5_000);
    }

    private static void Fault(Env env)
    {
        var map = env.Invoke(StatePage.Cap<IRegionMap>(env, Map));
        var state = map.State();
        if (state.Type == FaultType.None) return; // resolved meanwhile
        long page = state.Address & ~(PageSize - 1);
        map.Attach(env.Ram.Alloc(PageSize, cached: true), 0, 0, page, true, false);
        StatePage.Set(env, PagesIn, StatePage.Get(env, PagesIn) + 1);
    }

    private static void Tick(Env env)
    {
        long n = StatePage.Get(env, Counter) + 1;
        StatePage.Set(env, Counter, n);
        StatePage.Log(env, Log).Write($"tick {n} pages={StatePage.Get(env, PagesIn)} writes={env.Memory.Read<long>(ThreadWord)}");
    }

    /// <summary>One write per step at a page chosen by the write count, then counts at SP and sleeps 1 ms.</summary>
    private sealed class Toucher : IThreadProgram
    {
        public StepResult Step(ref ThreadRegisters r, AddressSpace memory, long now)
        {
            if (r.Ip == 0)
            {
                long page = (r.R0 * 7) % Pages;
                memory.Write(Base + page * PageSize + (r.R0 / Pages % (PageSize / 8)) * 8, r.R0 + 1); // may fault
                r.Ip = 1;
                return StepResult.Continue;
            }
            memory.Write(r.Sp, ++r.R0); // the state page is always there
            r.Ip = 0;
            r.R1 = (r.R1 == 0 ? now : r.R1) + 1_000;
            return StepResult.SleepUntil(r.R1);
        }
    }
}
