using Rtcr.Capabilities;
using Rtcr.Execution;
using Rtcr.Memory;
using Rtcr.Sessions;

namespace Rtcr.EndToEnd.Tests.Components;

/// <summary>
/// A child that misbehaves on purpose, in one of several ways chosen by <c>attack</c>, on its first tick
/// (or from its start, for its threads). It catches what the kernel or its sessions refuse and logs it,
/// "refused &lt;exception type&gt; (&lt;capability error&gt;): &lt;message&gt;", as a component handling errors would; every tick logs
/// "tick N". Slot <see cref="Release"/> of its state page, set by the test (the parent), ends its spinning.
/// </summary>
internal sealed class Hostile(string attack) : IComponentProgram
{
    public const int Counter = 0, Log = 1, Timer = 2, Release = 3, Target = 4;

    /// <summary>Flood size, in lines, of the "flood" attack.</summary>
    public const int FloodLines = 1000;

    /// <summary>An address nothing is attached at.</summary>
    public const long Unmapped = 0x7000_0000;

    private readonly string _attack = attack;

    public string Name => "hostile";

    public void Register(Env env)
    {
        env.Entrypoint.Register("tick", _ => Tick(env));
        env.Domain.Programs["spin"] = new SpinInStep();
        env.Domain.Programs["stray"] = new StrayRead();
    }

    public void Construct(Env env)
    {
        StatePage.Setup(env, Log, "tick", Timer);
        if (_attack is "spin" or "stray")
        {
            var thread = env.Cpu.CreateThread(env.Caps.Pd, _attack, 0, 1);
            env.Invoke(thread).Start(0, StatePage.Address);
        }
        StatePage.Start(env, Timer, 10_000);
    }

    private void Tick(Env env)
    {
        long n = StatePage.Get(env, Counter) + 1;
        StatePage.Set(env, Counter, n);
        var log = StatePage.Log(env, Log);
        if (n == 1)
        {
            try
            {
                log.Write($"attack {_attack}: {Attack(env)}");
            }
            catch (Exception ex) when (_attack != "crash")
            {
                string error = ex is Capabilities.CapabilityException c ? $" ({c.Error})" : "";
                log.Write($"refused {ex.GetType().Name}{error}: {ex.Message}");
            }
        }
        log.Write($"tick {n}");
    }

    private string Attack(Env env)
    {
        switch (_attack)
        {
            case "forge-free-slot": return $"{env.Invoke(Cap<ILogSession>.FromIndex(4000))}";
            case "forge-out-of-bounds": return $"{env.Invoke(Cap<ILogSession>.FromIndex(1_000_000))}";
            case "forge-wrong-type": env.Invoke(Cap<ITimerSession>.FromIndex(StatePage.Cap<ILogSession>(env, Log).Index)).TriggerOnce(1); return "a LOG session used as a timer";
            case "freed":
                var ds = env.Ram.Alloc(4096, cached: true);
                env.Ram.Free(ds);
                return $"size {env.Invoke(ds).Size()}";
            case "foreign":
                // An index the test took from another child's capability space.
                var foreign = Cap<IDataspace>.FromIndex((int)StatePage.Get(env, Target));
                long at = env.Invoke(env.Pd.AddressSpace()).Attach(foreign, 0, 0, 0x5000_0000, writable: true, executable: false);
                env.Memory.Write(at, 0x0BAD_F00DL);
                return $"attached at {at:x}";
            case "overlap":
                var over = env.Ram.Alloc(8192, cached: true);
                return $"attached at {env.Invoke(env.Pd.AddressSpace()).Attach(over, 0, 0, StatePage.Address - 4096, writable: true, executable: false):x}";
            case "ram":
                return $"{env.Ram.Alloc(1L << 40, cached: true)}";
            case "caps":
                while (true) env.Ram.Alloc(4096, cached: true);
            case "upgrade":
                env.Upgrade(StatePage.Cap<ILogSession>(env, Log), 1L << 40, 0, (s, ram, caps) => s.Upgrade(ram, caps));
                return "upgraded";
            case "flood":
                var log = StatePage.Log(env, Log);
                for (int i = 0; i < FloodLines; i++) log.Write($"flood {i}");
                return "flooded";
            case "stuck":
                while (StatePage.Get(env, Release) == 0) Thread.SpinWait(100);
                return "released";
            case "crash":
                throw new InvalidOperationException("hostile handler crashed");
            default:
                return "none";
        }
    }

    /// <summary>Spins inside one step until the parent sets the release slot: never reaches a step boundary.</summary>
    private sealed class SpinInStep : IThreadProgram
    {
        public StepResult Step(ref ThreadRegisters registers, AddressSpace memory, long nowMicroseconds)
        {
            while (memory.Read<long>(registers.Sp + Release * 8L) == 0) Thread.SpinWait(100);
            registers.R0++;
            return StepResult.SleepUntil(nowMicroseconds + 1_000);
        }
    }

    /// <summary>Reads an address nothing is attached at.</summary>
    private sealed class StrayRead : IThreadProgram
    {
        public StepResult Step(ref ThreadRegisters registers, AddressSpace memory, long nowMicroseconds)
        {
            registers.R0 = memory.Read<long>(Unmapped);
            return StepResult.Halt;
        }
    }
}
