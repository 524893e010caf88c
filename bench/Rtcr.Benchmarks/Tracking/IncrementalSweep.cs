using Rtcr.Benchmarks.Support;
using Rtcr.Tracking;

namespace Rtcr.Benchmarks.Tracking;

/// <summary>
/// The granularity sweep of incremental checkpointing: for each memory_writer pattern, the child
/// runs with write tracking at every fixed granularity and adaptive, and with access tracking at
/// 4K, 64K and 1M; each epoch (one timer tick) is followed by an incremental checkpoint. An
/// untracked child of the same config runs its epochs interleaved with the tracked one's, as the
/// runtime baseline of the same run; full checkpoints of the tracked child after its epochs are
/// the checkpoint baseline. Deterministic execution keeps the writes of every run identical.
/// </summary>
public static class IncrementalSweep
{
    private static readonly long[] Fixed = [4 << 10, 16 << 10, 64 << 10, 256 << 10, 1 << 20, 4 << 20];
    private static readonly long[] AccessSizes = [4 << 10, 64 << 10, 1 << 20];

    /// <summary>The configurations swept for every pattern.</summary>
    public static IReadOnlyList<TrackedSetup> Setups()
    {
        var setups = Fixed.Select(g => new TrackedSetup(TrackingMode.Write, g, Adaptive: false)).ToList();
        setups.Add(new TrackedSetup(TrackingMode.Write, new TrackingOptions().Granularity, Adaptive: true));
        setups.AddRange(AccessSizes.Select(g => new TrackedSetup(TrackingMode.Access, g, Adaptive: false)));
        return setups;
    }

    /// <summary>Runs the sweep and prints its tables; returns the results for the plot.</summary>
    public static IReadOnlyList<SweepResult> Run(IncrementalOptions options)
    {
        long size = (long)options.SizeMiB << 20;
        Console.WriteLine($"## Granularity sweep: memory_writer, {Fmt.Size(size)}, rate {options.Rate} writes/s, epoch = 1 tick (100 ms child time), " +
            $"deterministic execution, {options.Warmup} warm-up + {options.Epochs} measured epochs per configuration; medians; " +
            "run and total = CPU time of the measuring thread, pause = wall time");
        Console.WriteLine();
        var results = new List<SweepResult>();
        foreach (string pattern in options.Patterns)
        {
            using var baseline = TrackedWriter.Start(size, pattern, options.Rate, tracking: null);
            baseline.RunEpoch(); // JIT and first run of the untracked child
            foreach (var setup in Setups())
            {
                var result = Measure(pattern, setup, baseline, size, options);
                results.Add(result);
                Console.Error.WriteLine($"  {pattern,-10} {setup.Label,-15} cost {Fmt.N(result.CostMs)} ms/epoch, {Fmt.N(result.FaultsPerEpoch, 0)} faults/epoch, delta {Fmt.MiB((long)result.ImageBytes)} MiB");
            }
            Console.WriteLine($"### {pattern}");
            Console.WriteLine();
            Console.WriteLine(Table(results.Where(r => r.Pattern == pattern)));
        }
        Console.WriteLine("### Best granularity per pattern (per epoch; the full checkpoint column is its total or its pause)");
        Console.WriteLine();
        Console.WriteLine(Summary(results));
        return results;
    }

    private static SweepResult Measure(string pattern, TrackedSetup setup, TrackedWriter baseline, long size, IncrementalOptions options)
    {
        using var writer = TrackedWriter.Start(size, pattern, options.Rate, setup.ToOptions());
        var tracker = writer.Tracker ?? throw new InvalidOperationException("the child was started without tracking");
        if (writer.Checkpoint(incremental: true).Image.IsDelta) throw new InvalidOperationException("the first incremental checkpoint of a child must be a full image");
        GC.Collect();

        var warmup = new List<EpochSample>();
        var measured = new List<EpochSample>();
        for (int e = 0; e < options.Warmup + options.Epochs; e++)
        {
            var (baseMs, baseCpuMs) = baseline.RunEpoch();
            long faults = tracker.Faults;
            var (runMs, runCpuMs) = writer.RunEpoch();
            faults = tracker.Faults - faults;
            var (image, total, totalCpu, pause) = writer.Checkpoint(incremental: true);
            if (!image.IsDelta) throw new InvalidOperationException($"{pattern} {setup.Label}: epoch {e} gave a full image, expected a delta");
            (e < options.Warmup ? warmup : measured).Add(new EpochSample(baseMs, baseCpuMs, runMs, runCpuMs, faults, pause, total, totalCpu, image.MemoryBytes));
            image = null;
            GC.Collect(); // the delta's buffer is garbage now; never collect it inside the next timing
        }

        // Full checkpoints of the same child, each after an epoch like the deltas (one more as warm-up).
        var full = new List<EpochSample>();
        for (int i = 0; i < 4; i++)
        {
            writer.RunEpoch();
            var (image, total, totalCpu, pause) = writer.Checkpoint(incremental: false);
            if (image.IsDelta || image.MemoryBytes < size) throw new InvalidOperationException($"a full checkpoint held {image.MemoryBytes} bytes, expected at least {size}");
            if (i > 0) full.Add(new EpochSample(0, 0, 0, 0, 0, pause, total, totalCpu, image.MemoryBytes)); // checkpoint fields only
            image = null;
            GC.Collect();
        }
        var workingSet = tracker.Dataspaces.First(d => d.Size == size);
        string sizes = string.Join(", ", workingSet.BlockGranularities().GroupBy(g => g).OrderBy(g => g.Key)
            .Select(g => $"{TrackedSetup.SizeLabel(g.Key)} x {g.Count()}"));
        return new SweepResult(pattern, setup, warmup, measured, full, sizes);
    }

    private static TextTable Table(IEnumerable<SweepResult> results)
    {
        var table = new TextTable("tracking", "faults/epoch", "faults/s", "µs/fault", "run ms (untracked)", "slowdown: CPU (wall)",
            "MiB/delta", "pause ms", "pause % full", "total ms", "total % full", "cost ms", "cost % full", "child cost ms", "mean cost, all epochs");
        foreach (var r in results)
        {
            table.Add(r.Setup.Label, Fmt.N(r.FaultsPerEpoch, 0), Fmt.N(r.FaultsPerSecond, 0), double.IsNaN(r.MicrosecondsPerFault) ? "–" : Fmt.N(r.MicrosecondsPerFault, 1),
                $"{Fmt.N(r.RunMs)} ({Fmt.N(r.BaselineRunMs)})", $"{Fmt.N(r.Slowdown, 1)}× ({Fmt.N(r.WallSlowdown, 1)}×)", Fmt.MiB((long)r.ImageBytes),
                Fmt.N(r.PauseMs), Fmt.N(100 * r.PauseMs / r.FullPauseMs, 1), Fmt.N(r.TotalMs), Fmt.N(100 * r.TotalMs / r.FullTotalMs, 1),
                Fmt.N(r.CostMs), Fmt.N(100 * r.CostMs / r.FullTotalMs, 1), Fmt.N(r.ChildCostMs), Fmt.N(r.CostFromStartMs));
        }
        return table;
    }

    private static TextTable Summary(IReadOnlyList<SweepResult> results)
    {
        var table = new TextTable("pattern", "cost", "full checkpoint", "best fixed (write)", "its cost", "adaptive cost", "adaptive / best",
            "within 10%?", "mean over all epochs: adaptive / best fixed", "adaptive sizes at the end");
        foreach (var group in results.GroupBy(r => r.Pattern))
        {
            var fixedWrite = group.Where(r => r.Setup.Mode == TrackingMode.Write && !r.Setup.Adaptive).ToArray();
            var adaptive = group.Single(r => r.Setup.Adaptive);
            foreach (var (name, cost, fullCost) in new (string, Func<SweepResult, double>, Func<SweepResult, double>)[]
                     {
                         ("overhead + total", r => r.CostMs, r => r.FullTotalMs),
                         ("overhead + pause (child)", r => r.ChildCostMs, r => r.FullPauseMs),
                     })
            {
                var best = fixedWrite.MinBy(cost)!;
                double ratio = cost(adaptive) / cost(best);
                bool total = name.StartsWith("overhead + total", StringComparison.Ordinal);
                table.Add(group.Key, name, $"{Fmt.N(fullCost(best))} ms", TrackedSetup.SizeLabel(best.Setup.Granularity), $"{Fmt.N(cost(best))} ms",
                    $"{Fmt.N(cost(adaptive))} ms", Fmt.N(ratio), ratio <= 1.10 ? "yes" : $"no (+{Fmt.N(100 * (ratio - 1), 0)}%)",
                    total ? Fmt.N(adaptive.CostFromStartMs / fixedWrite.Min(r => r.CostFromStartMs)) : "", total ? adaptive.FinalGranularities : "");
            }
        }
        return table;
    }
}
