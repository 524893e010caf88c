using System.Diagnostics;
using Rtcr.Benchmarks.Support;

namespace Rtcr.Benchmarks.Checkpoint;

/// <summary>
/// Pause time against total time of a checkpoint, with the memory_writer running in threaded execution
/// (it keeps writing between checkpoints, so the freeze has to wait for a step boundary), and the
/// bandwidth of both against a memcpy of the same bytes taken in the same loop. A custom measurement
/// because BenchmarkDotNet reports one time per operation, and the pause is a part of it
/// (<see cref="Sessions.ComponentHost.LastPauseTime"/>).
/// </summary>
public static class CheckpointPause
{
    /// <summary>Runs the measurement for each size (MiB) and prints a Markdown table.</summary>
    public static unsafe void Run(IReadOnlyList<int> sizesMiB, int iterations)
    {
        Console.WriteLine($"Checkpoint pause vs total, memory_writer running (threaded, rate 1e8 writes/s), median of {iterations} (1 GiB: {Math.Max(2, iterations / 2)})");
        Console.WriteLine($"Processors: {Environment.ProcessorCount}, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}");
        Console.WriteLine();
        var table = new TextTable("size", "memcpy", "checkpoint total", "pause", "pause/total", "memcpy GB/s", "checkpoint GB/s", "ckpt/memcpy bandwidth");
        foreach (int mib in sizesMiB)
        {
            long bytes = (long)mib << 20;
            int n = mib >= 1024 ? Math.Max(2, iterations / 2) : iterations;
            using var writer = WriterFixture.Start(bytes, fill: false, Rtcr.ExecutionMode.Threaded, rate: 100_000_000);
            // Touch the whole working set once so no copy reads never-touched (shared zero) pages.
            new Span<byte>(writer.WorkingSetPointer, checked((int)bytes)).Fill(0x5a);
            var reused = GC.AllocateUninitializedArray<byte>(checked((int)bytes), pinned: true);
            Array.Fill(reused, (byte)1);
            var memcpy = new List<double>();
            var total = new List<double>();
            var pause = new List<double>();
            for (int i = 0; i < n + 1; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                fixed (byte* dst = reused) Buffer.MemoryCopy(writer.WorkingSetPointer, dst, bytes, bytes);
                double copyMs = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                t0 = Stopwatch.GetTimestamp();
                var image = writer.Host.Checkpoint(writer.Child);
                double totalMs = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                if (image.MemoryBytes < bytes) throw new InvalidOperationException($"the image holds {image.MemoryBytes} bytes, expected at least {bytes}");
                image = null;
                if (i == 0) continue; // warm-up: JIT and first-touch of the GC heap
                memcpy.Add(copyMs);
                total.Add(totalMs);
                pause.Add(writer.Host.LastPauseTime.TotalMilliseconds);
                GC.Collect(); // so the next checkpoint's 1 GiB array does not trigger a collection inside the timing
            }
            double mc = Percentiles.Median(memcpy), tt = Percentiles.Median(total), pp = Percentiles.Median(pause);
            table.Add(Fmt.Size(bytes), $"{Fmt.N(mc)} ms", $"{Fmt.N(tt)} ms", $"{Fmt.N(pp)} ms", Fmt.N(pp / tt),
                Fmt.N(bytes / mc / 1e6), Fmt.N(bytes / tt / 1e6), Fmt.N(mc / tt));
        }
        Console.WriteLine(table);
    }
}
