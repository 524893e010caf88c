using System.Diagnostics;
using Rtcr.Benchmarks.Support;
using Rtcr.Tracking;

namespace Rtcr.Benchmarks.Tracking;

/// <summary>
/// What a tracking fault costs in threaded (real-time) execution, where the child's thread waits
/// for the parent's fault-handler thread. The random-pattern writer runs flat out; it is timed for a
/// fixed number of writes right after a checkpoint re-armed the tracking (every designated dataspace
/// it touches faults once), and again for the same number right after that without a checkpoint
/// (everything it touches is open already: the tracked address space without faults). The
/// difference over the difference in faults is the cost of one fault; the second run against an
/// untracked writer is what the designated dataspaces cost without any fault.
/// </summary>
public static class ThreadedFaultCost
{
    private const long Writes = 2_000_000;

    /// <summary>Runs the measurement and prints its table.</summary>
    public static void Run(IncrementalOptions options, int repetitions = 3)
    {
        // Every page of the working set faults once per repetition: 32 MiB keeps that to seconds.
        long size = Math.Min((long)options.SizeMiB << 20, 32L << 20);
        Console.WriteLine($"## Fault cost in threaded execution: memory_writer random, {Fmt.Size(size)}, flat out (rate 1e8 writes/s), " +
            $"wall time for {Writes / 1_000_000} M writes right after a checkpoint and again without one, median of {repetitions}");
        Console.WriteLine();
        var table = new TextTable("tracking", "faults after ckpt", "ms", "faults next run", "ms", "slowdown after ckpt", "slowdown without faults", "µs/fault", "faults/s");
        double baseline = double.NaN;
        TrackedSetup?[] setups =
        [
            null,
            new(TrackingMode.Write, 4 << 10, false), new(TrackingMode.Write, 64 << 10, false),
            new(TrackingMode.Access, 4 << 10, false), new(TrackingMode.Access, 64 << 10, false),
        ];
        foreach (var setup in setups)
        {
            using var writer = TrackedWriter.Start(size, "random", 100_000_000, setup?.ToOptions(), ExecutionMode.Threaded);
            var after = new List<(double Ms, double Faults)>();
            var next = new List<(double Ms, double Faults)>();
            for (int i = 0; i < repetitions + 1; i++)
            {
                writer.Checkpoint(incremental: false); // copies everything, re-arms every designated dataspace
                GC.Collect();
                var a = Time(writer);
                var b = Time(writer);
                if (i == 0) continue; // warm-up
                after.Add(a);
                next.Add(b);
            }
            double ta = Percentiles.Median(after.Select(x => x.Ms).ToArray()), fa = Percentiles.Median(after.Select(x => x.Faults).ToArray());
            double tb = Percentiles.Median(next.Select(x => x.Ms).ToArray()), fb = Percentiles.Median(next.Select(x => x.Faults).ToArray());
            if (setup is null) baseline = tb;
            table.Add(setup?.Label ?? "untracked", Fmt.N(fa, 0), Fmt.N(ta, 1), Fmt.N(fb, 0), Fmt.N(tb, 1),
                Fmt.N(ta / baseline, 1) + "×", Fmt.N(tb / baseline, 1) + "×",
                fa > fb ? Fmt.N((ta - tb) * 1000 / (fa - fb), 1) : "–", fa > 0 ? Fmt.N(fa / (ta / 1000), 0) : "–");
            Console.Error.WriteLine($"  threaded {setup?.Label ?? "untracked"}: {Fmt.N(ta, 1)} ms with {Fmt.N(fa, 0)} faults, {Fmt.N(tb, 1)} ms with {Fmt.N(fb, 0)}");
        }
        Console.WriteLine(table);
    }

    private static (double Ms, double Faults) Time(TrackedWriter writer)
    {
        long f0 = writer.Tracker?.Faults ?? 0, w0 = writer.Writes, t0 = Stopwatch.GetTimestamp();
        while (writer.Writes < w0 + Writes)
        {
            // A writer that stopped (its thread failed) must end the measurement, not hang it.
            if (Stopwatch.GetElapsedTime(t0) > TimeSpan.FromMinutes(2))
                throw new InvalidOperationException($"the writer did {writer.Writes - w0} of {Writes} writes in 2 minutes");
            Thread.Sleep(1);
        }
        return (Stopwatch.GetElapsedTime(t0).TotalMilliseconds, (writer.Tracker?.Faults ?? 0) - f0);
    }
}
