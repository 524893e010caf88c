using Rtcr.Capabilities;
using Rtcr.Sessions;

namespace Rtcr.Samples;

/// <summary>
/// A CPU thread writing to a working set in a configurable pattern at a configurable rate, used to
/// measure dirty tracking and migration. Config:
/// <c>&lt;config working_set="1M" pattern="sequential|random|hotspot|stamp" rate="100000" interval_ms="100" seed="1"/&gt;</c>
/// (rate in writes per second; one LOG line per timer tick with the write count so far).
/// </summary>
public sealed class MemoryWriter : IComponentProgram
{
    /// <summary>Where the parameter/state page is attached.</summary>
    public const long StateAddress = 0x1000_0000;
    /// <summary>Where the working set is attached.</summary>
    public const long WorkingSetAddress = 0x2000_0000;

    internal const long CountOffset = 0, WorkingSetBaseOffset = 8, WorkingSetSizeOffset = 16, PatternOffset = 24,
        IntervalOffset = 32, BatchOffset = 40, SeedOffset = 48, LogCapOffset = 56, TimerCapOffset = 60, TicksOffset = 64;

    /// <inheritdoc />
    public string Name => "memory_writer";

    /// <inheritdoc />
    public void Register(Env env)
    {
        env.Domain.Programs["writer"] = new WriterProgram();
        env.Entrypoint.Register("report", _ => Report(env));
    }

    /// <inheritdoc />
    public void Construct(Env env)
    {
        var config = ComponentConfig.Parse(Name, env.ReadRom(env.Session<IRomSession>("ROM", "config")));
        long size = config.Size("working_set", 1024 * 1024, 4096, 1L << 32);
        var pattern = config.Choice("pattern", "sequential", "sequential", "random", "hotspot", "stamp") switch
        {
            "random" => WritePattern.Random,
            "hotspot" => WritePattern.Hotspot,
            "stamp" => WritePattern.Stamp,
            _ => WritePattern.Sequential,
        };
        long rate = config.Long("rate", 100_000, 1, 1_000_000_000);
        long intervalMs = config.Long("interval_ms", 100, 1, 3_600_000);
        long seed = config.Long("seed", 1, 0, long.MaxValue);
        // Batches of up to one millisecond's worth of writes keep the step count bounded at high rates.
        long batch = Math.Max(1, rate / 1000);
        long batchInterval = batch * 1_000_000 / rate;

        env.AllocAndAttach(4096, StateAddress);
        env.AllocAndAttach(size, WorkingSetAddress);
        var m = env.Memory;
        m.Write(StateAddress + WorkingSetBaseOffset, WorkingSetAddress);
        m.Write(StateAddress + WorkingSetSizeOffset, size);
        m.Write(StateAddress + PatternOffset, (long)pattern);
        m.Write(StateAddress + IntervalOffset, Math.Max(1, batchInterval));
        m.Write(StateAddress + BatchOffset, batch);
        m.Write(StateAddress + SeedOffset, seed);

        var log = env.Session<ILogSession>("LOG");
        var timer = env.Session<ITimerSession>("Timer");
        m.Write(StateAddress + LogCapOffset, log.Index);
        m.Write(StateAddress + TimerCapOffset, timer.Index);

        var source = env.Pd.AllocSignalSource();
        var report = env.Pd.AllocContext(source, "report");
        var t = env.Invoke(timer);
        t.Sigh(report);
        t.TriggerPeriodic(intervalMs * 1000);

        var thread = env.Cpu.CreateThread(env.Caps.Pd, "writer", 0, 1);
        env.Invoke(thread).Start(0, StateAddress);
    }

    /// <inheritdoc />
    public string? RestoredStateProblem(Env env)
    {
        if (!env.IsAttached(StateAddress, TicksOffset + 8, writable: true)) return $"its state at 0x{StateAddress:x} is not attached";
        int log = env.Memory.Read<int>(StateAddress + LogCapOffset);
        return env.Holds<ILogSession>(log) ? null : $"the LOG capability index {log} its state holds does not name a LOG session";
    }

    private static void Report(Env env)
    {
        var m = env.Memory;
        long ticks = m.Read<long>(StateAddress + TicksOffset) + 1;
        m.Write(StateAddress + TicksOffset, ticks);
        long count = m.Read<long>(StateAddress + CountOffset);
        var log = env.Invoke(Cap<ILogSession>.FromIndex(m.Read<int>(StateAddress + LogCapOffset)));
        log.Write($"tick {ticks}: {count} writes");
    }
}
