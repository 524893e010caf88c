using Rtcr.Benchmarks.Support;

namespace Rtcr.Benchmarks.Tracking;

/// <summary>The <c>incremental</c> command: the granularity sweep, the 1%-dirty measurement, the threaded fault cost and the plot.</summary>
public static class IncrementalMeasurement
{
    /// <summary>Runs what <paramref name="options"/> selects.</summary>
    public static void Run(IncrementalOptions options)
    {
        Console.WriteLine($"Incremental checkpointing, {Environment.ProcessorCount} processors, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, " +
            $"load average at start: {LoadAverage()}");
        Console.WriteLine();
        if (options.Sweep)
        {
            var results = IncrementalSweep.Run(options);
            if (options.PlotPath is { } path)
            {
                TradeoffPlot.Save(results, path, $"{Fmt.Size((long)options.SizeMiB << 20)}, {options.Rate} writes/s");
                Console.WriteLine($"plot written to {path}");
                Console.WriteLine();
            }
        }
        if (options.OnePercent) OnePercentDirty.Run(options);
        if (options.Threaded) ThreadedFaultCost.Run(options);
        FirstTouchCost.Run(options);
        Console.WriteLine($"load average at the end: {LoadAverage()}");
    }

    // The machine is shared: the load says how far to trust absolute times.
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
