using System.Diagnostics;
using Rtcr.Benchmarks.Support;

namespace Rtcr.Benchmarks.Tracking;

/// <summary>
/// What touching freshly allocated memory costs on this machine, next to memory the GC kept from a
/// collected array of the same size: checkpoint buffers are allocated per checkpoint and touched
/// page by page, so this is the part of a checkpoint's total time that is not copying.
/// </summary>
public static class FirstTouchCost
{
    /// <summary>Runs the measurement and prints its table.</summary>
    public static unsafe void Run(IncrementalOptions options, int repetitions = 5)
    {
        Console.WriteLine($"## First touch of a new pinned array, one write per 4 KiB page, median of {repetitions} (after one warm-up), GC.Collect between");
        Console.WriteLine();
        var table = new TextTable("array", "touch ms (wall)", "µs per page");
        long[] sizes = [4L << 20, 8L << 20, 32L << 20, (long)options.SizeMiB << 20];
        foreach (long size in sizes.Distinct())
        {
            var times = new List<double>();
            for (int i = 0; i < repetitions + 1; i++)
            {
                var array = GC.AllocateUninitializedArray<byte>(checked((int)size), pinned: true);
                long t0 = Stopwatch.GetTimestamp();
                fixed (byte* p = array)
                    for (long at = 0; at < size; at += 4096) p[at] = 1;
                double ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                array = null;
                GC.Collect();
                if (i > 0) times.Add(ms);
            }
            double median = Percentiles.Median(times);
            table.Add($"{Fmt.MiB(size)} MiB", Fmt.N(median), Fmt.N(median * 1000 / (size / 4096), 2));
        }
        Console.WriteLine(table);
    }
}
