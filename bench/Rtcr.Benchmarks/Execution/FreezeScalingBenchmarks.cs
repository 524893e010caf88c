using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Rtcr.Benchmarks.Support;
using Rtcr.Execution;
using Rtcr.Memory;

namespace Rtcr.Benchmarks.Execution;

/// <summary>
/// Freeze plus thaw of a PD with N = 1 … 1 000 threads, every one busy stepping (so each is inside a
/// step when the freeze asks): <see cref="Parallel"/> is <see cref="ProtectionDomain.Freeze(TimeSpan)"/>
/// (ask all, then wait for all); the baseline <see cref="OneAtATime"/> is the former algorithm, each
/// thread asked and waited for in turn, measured in the same run. The growth exponent between sizes is
/// computed in docs/benchmarks.md from the "µs/thread" column.
/// </summary>
[Config(typeof(FreezeScalingBenchmarks.Columns))]
public class FreezeScalingBenchmarks
{
    private Kernel _kernel = null!;
    private ProtectionDomain _pd = null!;
    private KernelThread[] _threads = [];

    /// <summary>Threads in the PD.</summary>
    [Params(1, 10, 100, 1_000)]
    public int Threads { get; set; }

    /// <summary>A threaded kernel, a PD with an entrypoint and <see cref="Threads"/> busy threads, all started.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _kernel = new Kernel(ExecutionMode.Threaded);
        _pd = _kernel.CreateProtectionDomain("frozen");
        _pd.Entrypoint = _kernel.CreateEntrypoint("frozen");
        var memory = new AddressSpace(new RegionMap("empty", RegionMap.PageSize));
        _threads = new KernelThread[Threads];
        for (int i = 0; i < Threads; i++)
        {
            _threads[i] = _kernel.CreateThread($"t{i}", new BusyProgram(), memory);
            _pd.AddThread(_threads[i]);
            _threads[i].Start(0, 0);
        }
        SpinWait.SpinUntil(() => _threads.All(t => t.Steps > 0), TimeSpan.FromMinutes(1));
    }

    /// <summary>Kills the threads.</summary>
    [GlobalCleanup]
    public void Cleanup() => _kernel.Dispose();

    /// <summary>The former freeze: each thread asked to stop and waited for before the next is asked.</summary>
    [Benchmark(Baseline = true)]
    public void OneAtATime()
    {
        // Quadratic: each thread waits a scheduler round of all N busy threads. On the loaded reference
        // machine 100 threads took 54-60 s per call (past BDN's in-process limit), so only 1 and 10 are
        // measured; BDN shows NA above.
        if (Threads > 10) throw new NotSupportedException("the former freeze is measured up to 10 threads");
        _pd.Entrypoint!.Pause();
        foreach (var t in _threads) t.Freeze();
        foreach (var t in _threads) t.Thaw();
        _pd.Entrypoint.Resume();
    }

    /// <summary>The PD's freeze: every thread asked at once, then all waited for; then thaw.</summary>
    [Benchmark]
    public void Parallel()
    {
        _pd.Freeze(TimeSpan.FromMinutes(1));
        _pd.Thaw();
    }

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

    private sealed class Columns : ManualConfig
    {
        public Columns()
        {
            // One freeze per iteration (a freeze of 1 000 busy threads is milliseconds), few iterations: the former freeze is slow.
            // In process: on the loaded 2-core machine BDN's build of its boilerplate project ran into its 2-minute timeout.
            AddJob(Job.ShortRun.WithWarmupCount(1).WithIterationCount(5).WithInvocationCount(1).WithUnrollFactor(1)
                .WithToolchain(InProcessEmitToolchain.Instance).WithId("Freeze"));
            AddColumn(StatisticColumn.Median);
            AddColumn(new PerUnitColumn("µs/thread", nameof(Threads), static (meanNs, n) => meanNs / 1000.0 / n, "F3",
                "mean freeze+thaw time divided by the number of threads"));
            SummaryStyle = SummaryStyle.Default.WithRatioStyle(RatioStyle.Value);
        }
    }
}
