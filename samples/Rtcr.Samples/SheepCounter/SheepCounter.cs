using Rtcr.Capabilities;
using Rtcr.Sessions;

namespace Rtcr.Samples;

/// <summary>
/// The classic Rtcr test component: counts sheep, one LOG line per timer tick. Its config comes from
/// the ROM module "config" (<c>&lt;config start="1" interval_ms="1000"/&gt;</c>); the counter and its
/// session capabilities live in a RAM dataspace, not in C# fields.
/// </summary>
public sealed class SheepCounter : IComponentProgram
{
    /// <summary>Where the state page is attached.</summary>
    public const long StateAddress = 0x1000_0000;
    private const long CounterAt = StateAddress;
    private const long LogCapAt = StateAddress + 8;
    private const long TimerCapAt = StateAddress + 12;
    private const long IntervalAt = StateAddress + 16;

    /// <inheritdoc />
    public string Name => "sheep_counter";

    /// <inheritdoc />
    public void Register(Env env) => env.Entrypoint.Register("tick", _ => Tick(env));

    /// <inheritdoc />
    public void Construct(Env env)
    {
        var config = ComponentConfig.Parse(Name, env.ReadRom(env.Session<IRomSession>("ROM", "config")));
        long start = config.Long("start", 1, 0, long.MaxValue / 2);
        long intervalMs = config.Long("interval_ms", 1000, 1, 24L * 3600 * 1000);

        env.AllocAndAttach(4096, StateAddress);
        var log = env.Session<ILogSession>("LOG");
        var timer = env.Session<ITimerSession>("Timer");
        var memory = env.Memory;
        memory.Write(CounterAt, start);
        memory.Write(LogCapAt, log.Index);
        memory.Write(TimerCapAt, timer.Index);
        memory.Write(IntervalAt, intervalMs);

        var source = env.Pd.AllocSignalSource();
        var tick = env.Pd.AllocContext(source, "tick");
        var t = env.Invoke(timer);
        t.Sigh(tick);
        t.TriggerPeriodic(intervalMs * 1000);
    }

    /// <inheritdoc />
    public string? RestoredStateProblem(Env env)
    {
        if (!env.IsAttached(StateAddress, IntervalAt + 8 - StateAddress, writable: true)) return $"its state at 0x{StateAddress:x} is not attached";
        int log = env.Memory.Read<int>(LogCapAt);
        return env.Holds<ILogSession>(log) ? null : $"the LOG capability index {log} its state holds does not name a LOG session";
    }

    private static void Tick(Env env)
    {
        var memory = env.Memory;
        long n = memory.Read<long>(CounterAt);
        var log = env.Invoke(Cap<ILogSession>.FromIndex(memory.Read<int>(LogCapAt)));
        log.Write($"{n} sheep. zzZ");
        memory.Write(CounterAt, n + 1);
    }
}
