using Rtcr.Capabilities;
using Rtcr.Execution;
using Rtcr.Memory;
using Rtcr.Sessions;

namespace Rtcr.EndToEnd.Tests.Components;

/// <summary>
/// Three threads in the three hard run states: "halter" counts to 3 and halts; "worker" counts every
/// millisecond and is paused and resumed by the tick handler on alternate ticks; "sleeper" sleeps
/// for 7 ms at a time. The tick handler logs every thread's counter.
/// </summary>
internal sealed class ThreadStates : IComponentProgram
{
    private const int Counter = 0, Log = 1, Timer = 2, Halter = 3, Worker = 4, Sleeper = 5;
    private const long Counters = StatePage.Address + 0x100; // one word per thread, at SP

    public string Name => "thread_states";

    public void Register(Env env)
    {
        env.Domain.Programs["halter"] = new CountingProgram(haltAfter: 3, sleepMicroseconds: 1_000);
        env.Domain.Programs["worker"] = new CountingProgram(haltAfter: long.MaxValue, sleepMicroseconds: 1_000);
        env.Domain.Programs["sleeper"] = new CountingProgram(haltAfter: long.MaxValue, sleepMicroseconds: 7_000);
        env.Entrypoint.Register("tick", _ => Tick(env));
    }

    public void Construct(Env env)
    {
        StatePage.Setup(env, Log, "tick", Timer);
        int slot = Halter;
        foreach (var name in new[] { "halter", "worker", "sleeper" })
        {
            var thread = env.Cpu.CreateThread(env.Caps.Pd, name, 0, 1);
            StatePage.Set(env, slot, thread.Index);
            env.Invoke(thread).Start(0, Counters + (slot - Halter) * 8);
            slot++;
        }
        StatePage.Start(env, Timer, 4_000);
    }

    private static void Tick(Env env)
    {
        long n = StatePage.Get(env, Counter) + 1;
        StatePage.Set(env, Counter, n);
        var worker = env.Invoke(StatePage.Cap<ICpuThread>(env, Worker));
        if (n % 2 == 1) worker.Pause(); else worker.Resume();
        StatePage.Log(env, Log).Write($"tick {n} halter={env.Memory.Read<long>(Counters)} worker={env.Memory.Read<long>(Counters + 8)} sleeper={env.Memory.Read<long>(Counters + 16)}");
    }

    /// <summary>Increments the word at SP every step and sleeps; halts after <paramref name="haltAfter"/> steps.</summary>
    private sealed class CountingProgram(long haltAfter, long sleepMicroseconds) : IThreadProgram
    {
        public StepResult Step(ref ThreadRegisters r, AddressSpace memory, long now)
        {
            memory.Write(r.Sp, memory.Read<long>(r.Sp) + 1);
            r.R0++;
            if (r.R0 >= haltAfter) return StepResult.Halt;
            r.R1 = (r.R1 == 0 ? now : r.R1) + sleepMicroseconds;
            return StepResult.SleepUntil(r.R1);
        }
    }
}
