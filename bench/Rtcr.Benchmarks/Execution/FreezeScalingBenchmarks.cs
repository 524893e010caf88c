using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Rtcr.Benchmarks.Support;
using Rtcr.Execution;
using Rtcr.Memory;

namespace Rtcr.Benchmarks.Execution;

/// <summary>
/// Freeze and thaw, each measured on its own, of a PD with N = 1 … 1 000 threads that are all busy (each
/// inside a step when the freeze asks) or all idle (asleep): <see cref="Freeze"/> and <see cref="Thaw"/> are
/// <see cref="ProtectionDomain.Freeze(TimeSpan)"/> and <see cref="ProtectionDomain.Thaw"/> (one gate for the
/// PD: closed with one store, opened with one pulse); the baselines <see cref="FormerFreeze"/> and
/// <see cref="FormerThaw"/>, measured in the same run, are the former algorithm — every thread asked, then
/// waited for one by one, and thawed one by one under its own lock. The growth exponent between sizes is
/// computed in docs/benchmarks.md from the "µs/thread" column.
/// </summary>
[Config(typeof(FreezeScalingBenchmarks.Columns))]
public class FreezeScalingBenchmarks
{
    private Kernel _kernel = null!;
    private ProtectionDomain _pd = null!;
    private KernelThread[] _threads = [];
    private long[] _steps = [];

    /// <summary>Threads in the PD: 1, 10, 100, 1 000, or the comma-separated list in <c>RTCR_FREEZE_THREADS</c>.</summary>
    [ParamsSource(nameof(ThreadCounts))]
    public int Threads { get; set; }

    /// <summary>Whether the threads step back to back (busy) or sleep (idle); <c>RTCR_FREEZE_BUSY=true</c> or <c>false</c> runs only one.</summary>
    [ParamsSource(nameof(BusyModes))]
    public bool Busy { get; set; }

    /// <summary>The sizes measured (the environment variable lets a loaded machine's short window run a part).</summary>
    public static IEnumerable<int> ThreadCounts() =>
        Environment.GetEnvironmentVariable("RTCR_FREEZE_THREADS") is { Length: > 0 } list
            ? list.Split(',').Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture))
            : [1, 10, 100, 1_000];

    /// <summary>Busy, idle or both.</summary>
    public static IEnumerable<bool> BusyModes() =>
        Environment.GetEnvironmentVariable("RTCR_FREEZE_BUSY") is { Length: > 0 } mode ? [bool.Parse(mode)] : [true, false];

    /// <summary>A threaded kernel, a PD with an entrypoint and <see cref="Threads"/> threads, all started and stepping.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _kernel = new Kernel(ExecutionMode.Threaded);
        _pd = _kernel.CreateProtectionDomain("frozen");
        _pd.Entrypoint = _kernel.CreateEntrypoint("frozen");
        var memory = new AddressSpace(new RegionMap("empty", RegionMap.PageSize));
        _threads = new KernelThread[Threads];
        _steps = new long[Threads];
        // Started frozen and released at once: started one by one, each new busy thread took a core from
        // the thread starting the next (1 000 busy threads did not get started in minutes on the loaded machine).
        _pd.Freeze();
        for (int i = 0; i < Threads; i++)
        {
            _threads[i] = _kernel.CreateThread($"t{i}", Busy ? new BusyProgram() : new IdleProgram(), memory);
            _pd.AddThread(_threads[i]);
            _threads[i].Start(0, 0);
        }
        _pd.Thaw();
        WaitRunning();
    }

    /// <summary>Kills the threads.</summary>
    [GlobalCleanup]
    public void Cleanup() => _kernel.Dispose();

    /// <summary>Every thread has taken a step since the last thaw, so a freeze finds them running (busy) or asleep (idle).</summary>
    [IterationSetup(Targets = [nameof(Freeze), nameof(FormerFreeze)])]
    public void WaitRunning()
    {
        for (int i = 0; i < _threads.Length; i++)
        {
            long before = _steps[i];
            var t = _threads[i];
            if (!SpinWait.SpinUntil(() => t.Steps > before, TimeSpan.FromMinutes(2)))
                throw new InvalidOperationException($"thread {t.Name} did not step within 2 minutes after the thaw");
            _steps[i] = t.Steps;
        }
    }

    /// <summary>The PD's freeze: the gate closed, then every thread and the entrypoint waited for.</summary>
    [Benchmark]
    public void Freeze() => _pd.Freeze(TimeSpan.FromMinutes(2));

    /// <summary>Undoes <see cref="Freeze"/> (not measured).</summary>
    [IterationCleanup(Target = nameof(Freeze))]
    public void ThawAfterFreeze() => _pd.Thaw();

    /// <summary>Freezes the PD before <see cref="Thaw"/> (not measured).</summary>
    [IterationSetup(Target = nameof(Thaw))]
    public void FreezeBeforeThaw() => _pd.Freeze(TimeSpan.FromMinutes(2));

    /// <summary>The PD's thaw: the gate opened with one pulse.</summary>
    [Benchmark]
    public void Thaw() => _pd.Thaw();

    /// <summary>The former freeze: every thread asked (wait-free), then waited for one after the other.</summary>
    [Benchmark]
    public void FormerFreeze()
    {
        _pd.Entrypoint!.RequestPause();
        foreach (var t in _threads) t.RequestFreeze();
        foreach (var t in _threads) t.WaitFrozen(Timeout.InfiniteTimeSpan);
        _pd.Entrypoint.WaitPaused(Timeout.InfiniteTimeSpan);
    }

    /// <summary>Undoes <see cref="FormerFreeze"/> (not measured).</summary>
    [IterationCleanup(Target = nameof(FormerFreeze))]
    public void ThawAfterFormerFreeze() => FormerThaw();

    /// <summary>Freezes the threads the former way before <see cref="FormerThaw"/> (not measured).</summary>
    [IterationSetup(Target = nameof(FormerThaw))]
    public void FormerFreezeBeforeThaw() => FormerFreeze();

    /// <summary>The former thaw: each thread's lock taken and its monitor pulsed in turn.</summary>
    [Benchmark]
    public void FormerThaw()
    {
        foreach (var t in _threads) t.Thaw();
        _pd.Entrypoint!.Resume();
    }

    /// <summary>After a thaw: waits until every thread stepped again, so the next iteration starts from a running PD (not measured).</summary>
    [IterationCleanup(Targets = [nameof(Thaw), nameof(FormerThaw)])]
    public void RunningAfterThaw() => WaitRunning();

    /// <summary>About a microsecond of arithmetic per step, never sleeping.</summary>
    private sealed class BusyProgram : IThreadProgram
    {
        public StepResult Step(ref ThreadRegisters registers, AddressSpace memory, long nowMicroseconds)
        {
            long x = registers.R0;
            for (int i = 0; i < 500; i++) x = x * 6364136223846793005L + 1442695040888963407L;
            registers.R0 = x;
            registers.Ip++;
            return StepResult.Continue;
        }
    }

    /// <summary>One step every 20 ms, asleep in between (an idle thread that still wakes now and then).</summary>
    private sealed class IdleProgram : IThreadProgram
    {
        public StepResult Step(ref ThreadRegisters registers, AddressSpace memory, long nowMicroseconds)
        {
            registers.Ip++;
            return StepResult.SleepUntil(nowMicroseconds + 20_000);
        }
    }

    private sealed class Columns : ManualConfig
    {
        public Columns()
        {
            // One freeze (or thaw) per iteration, few iterations: a round of 1 000 busy threads on 2 loaded cores takes seconds.
            // In process: on the loaded 2-core machine BDN's build of its boilerplate project ran into its 2-minute timeout.
            AddJob(Job.ShortRun.WithWarmupCount(1).WithIterationCount(5).WithInvocationCount(1).WithUnrollFactor(1)
                .WithToolchain(InProcessEmitToolchain.Instance).WithId("Freeze"));
            AddColumn(StatisticColumn.Median);
            AddColumn(new PerUnitColumn("µs/thread", nameof(Threads), static (meanNs, n) => meanNs / 1000.0 / n, "F3",
                "mean freeze (or thaw) time divided by the number of threads"));
        }
    }
}
