using System.Diagnostics;
using Rtcr.Benchmarks.Support;
using Rtcr.Execution;

namespace Rtcr.Benchmarks.Execution;

/// <summary>
/// Pause latency of a running memory_writer in threaded execution: the time from a pause request to
/// the thread being stopped at a step boundary, for the child's own pause (<see cref="KernelThread.Pause"/>,
/// what the CPU session's <c>pause</c> does) and the parent's freeze (<see cref="ProtectionDomain.Freeze()"/>,
/// what a checkpoint does: entrypoint plus every thread). A pause can only wait for the step in
/// progress, so the latency is bounded by the step length, which the writer's rate sets (writes per
/// step = rate / 1000). A custom measurement rather than BenchmarkDotNet because the quantity is a
/// distribution of single events (median and p99), not the mean of a repeated operation.
/// </summary>
public static class PauseLatency
{
    /// <summary>Runs the measurement and prints a Markdown table.</summary>
    public static void Run(int samples)
    {
        Console.WriteLine($"Pause latency of a running memory_writer (threaded, 64 MiB sequential working set), {samples} samples per row");
        Console.WriteLine($"Processors: {Environment.ProcessorCount}, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, Stopwatch resolution {1e9 / Stopwatch.Frequency:F0} ns");
        Console.WriteLine();
        var table = new TextTable("writes/step", "step period", "write rate", "request", "median", "p90", "p99", "max");
        foreach (long rate in new long[] { 10_000_000, 100_000_000, 1_000_000_000 })
        {
            using var fixture = WriterFixture.Start(64L << 20, fill: false, ExecutionMode.Threaded, rate);
            var thread = WaitForThread(fixture);
            var (stepUs, throughput) = MeasureSteps(thread, rate / 1000);
            string batch = (rate / 1000).ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
            var domain = fixture.Child.Env.Domain;
            // Gaps up to 1.5 step periods put requests at every phase of a step, not only its beginning.
            double maxGapUs = Math.Max(2000, 1.5 * stepUs);
            Report(table, batch, stepUs, throughput, "KernelThread.Pause", Sample(samples, maxGapUs, thread.Pause, thread.Resume));
            Report(table, batch, stepUs, throughput, "ProtectionDomain.Freeze", Sample(samples, maxGapUs, domain.Freeze, domain.Thaw));
            if (thread.Failure is { } failure) throw new InvalidOperationException("memory_writer failed during the measurement", failure);
        }
        Console.WriteLine(table);
    }

    private static KernelThread WaitForThread(WriterFixture fixture)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            var threads = fixture.Child.Env.Domain.Threads;
            if (threads.Count > 0 && threads[0].Steps > 2)
            {
                // Past start-up and tier-up of the step code, so step period and throughput are steady.
                Thread.Sleep(1000);
                return threads[0];
            }
            if (sw.Elapsed > TimeSpan.FromSeconds(10)) throw new TimeoutException("memory_writer's thread did not start stepping");
            Thread.Sleep(1);
        }
    }

    // Step period and write rate, so the reader can compare the latency with one step. Only the step
    // counter is read: GetState waits for a step boundary and, on a thread that steps back to back,
    // can be starved for many steps (the monitor is not fair), which would skew the interval.
    private static (double StepUs, double WritesPerSecond) MeasureSteps(KernelThread thread, long writesPerStep)
    {
        long steps0 = thread.Steps;
        var sw = Stopwatch.StartNew();
        Thread.Sleep(500);
        long steps = thread.Steps - steps0;
        double seconds = sw.Elapsed.TotalSeconds;
        // Period = time between step starts (work plus sleep); at the highest rate the writer never
        // sleeps, so there the period is the work time of one step, the bound on the pause latency.
        double stepUs = steps == 0 ? double.NaN : seconds * 1e6 / steps;
        return (stepUs, steps * writesPerStep / seconds);
    }

    private static List<double> Sample(int samples, double maxGapUs, Action request, Action release)
    {
        var rng = new Random(7);
        var result = new List<double>(samples);
        for (int i = 0; i < samples + 20; i++)
        {
            // A random gap puts the request at a random phase of the writer's step/sleep cycle.
            SpinFor(TimeSpan.FromMicroseconds(rng.NextDouble() * maxGapUs));
            long t0 = Stopwatch.GetTimestamp();
            request();
            double us = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
            release();
            if (i >= 20) result.Add(us); // the first ones include JIT and thread wake-up warm-up
        }
        return result;
    }

    private static void SpinFor(TimeSpan span)
    {
        long end = Stopwatch.GetTimestamp() + (long)(span.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < end) Thread.Yield();
    }

    private static void Report(TextTable table, string batch, double stepUs, double writesPerSecond, string request, List<double> us) =>
        table.Add(batch, $"{Fmt.N(stepUs, 1)} µs", $"{Fmt.N(writesPerSecond / 1e6, 0)} M writes/s", request,
            $"{Fmt.N(Percentiles.Median(us), 1)} µs", $"{Fmt.N(Percentiles.Of(us, 90), 1)} µs", $"{Fmt.N(Percentiles.Of(us, 99), 1)} µs", $"{Fmt.N(us.Max(), 1)} µs");
}
