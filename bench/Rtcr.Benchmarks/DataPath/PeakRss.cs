using System.Diagnostics;
using System.Globalization;
using Rtcr.Benchmarks.Support;
using Rtcr.Image;

namespace Rtcr.Benchmarks.DataPath;

/// <summary>
/// Peak resident memory of the parent over consecutive checkpoints of a memory_writer child, as
/// <c>rtcr run --checkpoint-every</c> takes them (checkpoint, write the file with fsync, release
/// the buffers; the child rewrites its working set in between). Each mode runs in a fresh process
/// (<c>VmHWM</c> in <c>/proc/self/status</c> is per process): <c>released</c> is the CLI's way,
/// <c>held</c> keeps every image (what any caller that never releases gets: a fresh buffer per
/// checkpoint, freed only by a full GC). Goal: flat, ≤ 2.2× the working set.
/// </summary>
public static class PeakRss
{
    /// <summary>Runs both modes in child processes and prints a Markdown table.</summary>
    public static void Run(int sizeMiB, int checkpoints)
    {
        var runs = new Dictionary<string, List<(long Hwm, long Rss)>>();
        foreach (var mode in new[] { "released", "held" })
        {
            var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
            start.ArgumentList.Add(typeof(PeakRss).Assembly.Location);
            foreach (var a in new[] { "peak-rss-once", mode, sizeMiB.ToString(CultureInfo.InvariantCulture), checkpoints.ToString(CultureInfo.InvariantCulture) }) start.ArgumentList.Add(a);
            using var process = Process.Start(start)!;
            var rows = new List<(long, long)>();
            while (process.StandardOutput.ReadLine() is { } line)
            {
                var parts = line.Split(' ');
                if (parts.Length == 2) rows.Add((long.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture)));
            }
            process.WaitForExit();
            if (process.ExitCode != 0) throw new InvalidOperationException($"peak-rss-once {mode} exited with {process.ExitCode}");
            runs[mode] = rows;
        }
        long ws = (long)sizeMiB << 20;
        Console.WriteLine($"Working set {sizeMiB} MiB; VmHWM / VmRSS in MiB after each checkpoint (row 0: child started and written, before any checkpoint).\n");
        Console.WriteLine("| checkpoint | released: VmHWM | ×WS | VmRSS | held: VmHWM | ×WS | VmRSS |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
        for (int i = 0; i < runs["released"].Count; i++)
        {
            var r = runs["released"][i];
            var h = i < runs["held"].Count ? runs["held"][i] : (0, 0);
            Console.WriteLine($"| {i} | {Fmt.MiB(r.Hwm)} | {Fmt.N((double)r.Hwm / ws)} | {Fmt.MiB(r.Rss)} | {Fmt.MiB(h.Hwm)} | {Fmt.N((double)h.Hwm / ws)} | {Fmt.MiB(h.Rss)} |");
        }
    }

    /// <summary>One mode in this process: prints "VmHWM VmRSS" in bytes before the first and after each checkpoint.</summary>
    public static void Once(bool release, int sizeMiB, int checkpoints)
    {
        string dir = Directory.CreateTempSubdirectory("rtcr-peak-").FullName;
        var held = new List<Rtcr.Checkpoint.CheckpointImage>();
        try
        {
            using var writer = WriterFixture.Start((long)sizeMiB << 20, fill: true);
            Print();
            for (int i = 1; i <= checkpoints; i++)
            {
                writer.Host.RunTicks(writer.Child, writer.Host.Ticks(writer.Child) + 1); // the child rewrites its working set
                var image = writer.Host.Checkpoint(writer.Child);
                ImageWriter.WriteFile(image, Path.Combine(dir, "memory_writer.rtcr"));
                if (release) image.ReleaseBuffers();
                else held.Add(image);
                Print();
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
        GC.KeepAlive(held);
    }

    private static void Print()
    {
        long hwm = 0, rss = 0;
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) hwm = Kb(line);
            else if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = Kb(line);
        }
        Console.WriteLine($"{hwm} {rss}");
    }

    private static long Kb(string line) => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
}
