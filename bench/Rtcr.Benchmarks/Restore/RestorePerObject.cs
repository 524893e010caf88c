using System.Diagnostics;
using Rtcr.Benchmarks.Support;
using Rtcr.Checkpoint;
using Rtcr.Sessions;

namespace Rtcr.Benchmarks.Restore;

/// <summary>
/// Restore cost per object at 1 k … 200 k objects (<see cref="ContextHog"/> signal contexts), with
/// what the restoring thread allocated and how many collections ran: the profile behind "flat per
/// object" (dotnet-counters is not available here). Each size: one checkpoint, then
/// <c>iterations</c> restores into fresh hosts (host creation not timed); median time.
/// The growth exponent is log(t(N2)/t(N1)) / log(N2/N1) between neighbouring sizes and end to end.
/// </summary>
public static class RestorePerObject
{
    private static string Exponent(int n1, double t1, int n2, double t2) => Fmt.N(Math.Log(t2 / t1) / Math.Log((double)n2 / n1), 2);

    /// <summary>Runs the measurement and prints a Markdown table.</summary>
    public static void Run(int[] sizes, int iterations, bool profile = false)
    {
        using var sampler = profile ? new AllocationSampler() : null;
        var rows = new List<(int N, double Ms, double CpuMs, double BytesPerObject, int Gen0, int Gen2)>();
        foreach (int n in sizes)
        {
            var hog = new ContextHog(n);
            CheckpointImage image;
            using (var host = new ComponentHost())
            {
                var child = host.Start(hog, "<config/>", hog.Options);
                image = host.Checkpoint(child);
                image.ReleaseBuffers();
            }
            var times = new List<double>();
            var cpu = new List<double>();
            long bytes = 0;
            int gen0 = 0, gen2 = 0;
            for (int i = 0; i < iterations + 1; i++)
            {
                // The image asks for more capability slots than a host grants by default (65 536).
                var room = new ContextHog(n).Options;
                using var host = new ComponentHost(startMicroseconds: image.Manifest.ClockMicroseconds)
                {
                    MaxRestoreGrant = new ChildOptions { RamQuota = 4L << 30, CapQuota = Math.Max(100_000, room.CapQuota), CapSlots = Math.Max(1 << 16, room.CapSlots) },
                };
                GC.Collect();
                GC.WaitForPendingFinalizers();
                long allocated = GC.GetAllocatedBytesForCurrentThread();
                int c0 = GC.CollectionCount(0), c2 = GC.CollectionCount(2);
                if (sampler is not null) sampler.Enabled = i > 0;
                long start = Stopwatch.GetTimestamp();
                double cpuStart = ThreadCpuClock.NowMs();
                host.Restore(image, _ => new ContextHog(n));
                double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                double cpuMs = ThreadCpuClock.NowMs() - cpuStart;
                if (sampler is not null) sampler.Enabled = false;
                if (i == 0) continue; // the first restore of a size warms up its paths
                times.Add(ms);
                cpu.Add(cpuMs);
                bytes += GC.GetAllocatedBytesForCurrentThread() - allocated;
                gen0 += GC.CollectionCount(0) - c0;
                gen2 += GC.CollectionCount(2) - c2;
            }
            times.Sort();
            cpu.Sort();
            rows.Add((n, times[times.Count / 2], cpu[cpu.Count / 2], (double)bytes / iterations / n, gen0, gen2));
            Console.Error.WriteLine($"{n}: {times[times.Count / 2]:F1} ms");
        }

        Console.WriteLine($"| objects | restore (median of {iterations}) | µs/object | thread CPU µs/object | allocated B/object | gen0 GCs | gen2 GCs | exponent vs previous (wall / CPU) |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (int i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            string exponent = i == 0 ? "—" : $"{Exponent(rows[i - 1].N, rows[i - 1].Ms, r.N, r.Ms)} / {Exponent(rows[i - 1].N, rows[i - 1].CpuMs, r.N, r.CpuMs)}";
            Console.WriteLine($"| {r.N} | {Fmt.N(r.Ms, 1)} ms | {Fmt.N(r.Ms * 1000 / r.N, 3)} | {Fmt.N(r.CpuMs * 1000 / r.N, 3)} | {Fmt.N(r.BytesPerObject, 0)} | {r.Gen0} | {r.Gen2} | {exponent} |");
        }
        if (sampler is not null)
        {
            Console.WriteLine("\n| allocated type (sampled) | MB |\n|---|---:|");
            foreach (var (type, bytes) in sampler.Top(25)) Console.WriteLine($"| `{type}` | {Fmt.MiB(bytes)} |");
        }
        if (rows.Count > 1)
            Console.WriteLine($"\nGrowth exponent {rows[0].N} → {rows[^1].N}: wall **{Exponent(rows[0].N, rows[0].Ms, rows[^1].N, rows[^1].Ms)}**, thread CPU **{Exponent(rows[0].N, rows[0].CpuMs, rows[^1].N, rows[^1].CpuMs)}**");
    }
}
