using Rtcr.Benchmarks.Support;
using Rtcr.Tracking;

namespace Rtcr.Benchmarks.Tracking;

/// <summary>
/// The "1% dirty" goal: a child whose epoch dirties 1% of its memory, checkpointed incrementally.
/// The incremental pause and total time are compared with full checkpoints of the same child in the
/// same run (goal: at most 5%), and the delta's size with the bytes really written, rounded up to
/// the granularity, found by comparing the memory with a copy from before the epoch (goal: within 10%).
/// Two shapes of 1%: one contiguous run of 1% of the memory (sequential pattern), and random words
/// that dirty 1% of the 4 KiB pages (random pattern; larger granules then hold much more than 1%).
/// </summary>
public static class OnePercentDirty
{
    private static readonly long[] Granularities = [4 << 10, 64 << 10, 1 << 20];

    /// <summary>Runs the measurement and prints its table.</summary>
    public static void Run(IncrementalOptions options, int epochs = 5)
    {
        long size = (long)options.SizeMiB << 20;
        long words = size / sizeof(long), pages = size / 4096;
        // One epoch is 100 ms of the child's time: ten epochs per second of its rate.
        long sequentialRate = words / 100 * 10;
        long randomRate = (long)Math.Round(-Math.Log(0.99) * pages) * 10; // 1 - e^(-writes/pages) = 1% of the pages
        Console.WriteLine($"## 1% dirty: memory_writer, {Fmt.Size(size)}, write tracking, deterministic execution, 2 warm-up + {epochs} measured epochs, medians; " +
            "total = CPU time of the measuring thread, pause = wall time");
        Console.WriteLine();
        var table = new TextTable("pattern", "granularity", "writes/epoch", "written 4K pages", "written, rounded to granularity", "delta", "delta / rounded",
            "within 10%?", "pause inc / full", "pause %", "total inc / full", "total %", "≤ 5%?");
        foreach (var (pattern, rate) in new[] { ("sequential", sequentialRate), ("random", randomRate) })
        {
            if (!options.Patterns.Contains(pattern)) continue;
            foreach (long g in Granularities)
            {
                using var writer = TrackedWriter.Start(size, pattern, rate, new TrackingOptions { Mode = TrackingMode.Write, Granularity = g });
                var tracker = writer.Tracker!;
                writer.Checkpoint(incremental: true); // the chain's full image
                var pause = new List<double>();
                var total = new List<double>();
                var delta = new List<double>();
                var rounded = new List<double>();
                var pages4K = new List<double>();
                var writes = new List<double>();
                for (int e = 0; e < epochs + 2; e++)
                {
                    var truth = new DirtyGroundTruth(tracker);
                    long before = writer.Writes;
                    writer.RunEpoch();
                    long written = writer.Writes - before;
                    long changed = truth.ChangedBytes(g), changed4K = truth.ChangedBytes(4096);
                    truth = null;
                    GC.Collect();
                    var (image, _, t, p) = writer.Checkpoint(incremental: true);
                    if (!image.IsDelta) throw new InvalidOperationException("expected a delta");
                    if (e >= 2)
                    {
                        pause.Add(p);
                        total.Add(t);
                        delta.Add(image.MemoryBytes);
                        rounded.Add(changed);
                        pages4K.Add(changed4K);
                        writes.Add(written);
                    }
                    image = null;
                    GC.Collect();
                }
                var fullPause = new List<double>();
                var fullTotal = new List<double>();
                for (int i = 0; i < 4; i++)
                {
                    writer.RunEpoch();
                    var (image, _, t, p) = writer.Checkpoint(incremental: false);
                    if (image.IsDelta) throw new InvalidOperationException("expected a full image");
                    image = null;
                    if (i > 0) { fullPause.Add(p); fullTotal.Add(t); }
                    GC.Collect();
                }
                double dp = Percentiles.Median(pause), fp = Percentiles.Median(fullPause), dt = Percentiles.Median(total), ft = Percentiles.Median(fullTotal);
                double d = Percentiles.Median(delta), r = Percentiles.Median(rounded);
                double worstSize = delta.Zip(rounded, (a, b) => a / b).MaxBy(x => Math.Abs(x - 1));
                table.Add(pattern, TrackedSetup.SizeLabel(g), Fmt.N(Percentiles.Median(writes), 0),
                    $"{Fmt.MiB((long)Percentiles.Median(pages4K))} MiB ({Fmt.N(100 * Percentiles.Median(pages4K) / size)}%)",
                    $"{Fmt.MiB((long)r)} MiB", $"{Fmt.MiB((long)d)} MiB", $"{Fmt.N(d / r, 3)} (worst {Fmt.N(worstSize, 3)})",
                    Math.Abs(worstSize - 1) <= 0.10 ? "yes" : "no",
                    $"{Fmt.N(dp)} / {Fmt.N(fp)} ms", Fmt.N(100 * dp / fp, 1), $"{Fmt.N(dt)} / {Fmt.N(ft)} ms", Fmt.N(100 * dt / ft, 1),
                    100 * dp / fp <= 5 && 100 * dt / ft <= 5 ? "yes" : "no");
                Console.Error.WriteLine($"  1% {pattern} {TrackedSetup.SizeLabel(g)}: pause {Fmt.N(100 * dp / fp, 1)}%, total {Fmt.N(100 * dt / ft, 1)}%, delta/rounded {Fmt.N(d / r, 3)}");
            }
        }
        Console.WriteLine(table);
    }
}
