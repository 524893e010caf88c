using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Globalization;
using Rtcr.Benchmarks.Support;
using Rtcr.Samples;
using Rtcr.Sessions;

namespace Rtcr.Benchmarks.DataPath;

/// <summary>
/// The first checkpoint of a process against later ones, as <c>rtcr run --checkpoint-every</c> takes
/// them: each process runs the CLI's warm-up (<see cref="CheckpointWarmUp"/>) unless told not to,
/// starts the sample in a new host, runs one tick, then takes one checkpoint after another and
/// releases each image's buffers. Per process it reports the first checkpoint's pause
/// (<see cref="ComponentHost.LastPauseTime"/>) and whole call, the methods the checkpointing thread
/// compiled in that call (<see cref="System.Runtime.JitInfo"/>), and the medians of the following
/// checkpoints. Processes are fresh, so every one pays what a user's <c>rtcr run</c> pays.
/// Goal: first pause ≤ 2× steady pause.
/// </summary>
public static class FirstCheckpointPause
{
    /// <summary>Runs <paramref name="processes"/> processes per component and warm-up setting; prints a Markdown table.</summary>
    public static void Run(int processes, int steady, bool withoutWarmUp)
    {
        Console.WriteLine($"{processes} processes per row; steady = median of the next {steady} checkpoints in each process; medians over processes (min – max).\n");
        Console.WriteLine("| component | warm-up | first pause ms | steady pause ms | first/steady pause | of which freeze: first / steady ms | first call ms | steady call ms | first/steady call | methods jitted in the first call |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var component in SampleCatalog.Names)
            foreach (bool warm in withoutWarmUp ? new[] { true, false } : [true])
            {
                var rows = new List<double[]>();
                for (int p = 0; p < processes; p++) rows.Add(OneProcess(component, warm, steady));
                double Med(int i) => Percentiles.Median(rows.Select(r => r[i]).ToList());
                string Range(int i) => $"{Fmt.N(rows.Min(r => r[i]), 3)} – {Fmt.N(rows.Max(r => r[i]), 3)}";
                Console.WriteLine($"| {component} | {(warm ? "yes" : "no")} | {Fmt.N(Med(0), 3)} ({Range(0)}) | {Fmt.N(Med(2), 3)} | {Fmt.N(Med(0) / Med(2))} | {Fmt.N(Med(5), 3)} / {Fmt.N(Med(6), 3)} | {Fmt.N(Med(1), 3)} ({Range(1)}) | {Fmt.N(Med(3), 3)} | {Fmt.N(Med(1) / Med(3))} | {Fmt.N(Med(4), 0)} |");
            }
    }

    private static double[] OneProcess(string component, bool warm, int steady)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(FirstCheckpointPause).Assembly.Location);
        foreach (var a in new[] { "first-checkpoint-once", component, warm ? "warm" : "cold", steady.ToString(CultureInfo.InvariantCulture) }) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"first-checkpoint-once {component} exited with {process.ExitCode}");
        var last = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        return last.Split(' ').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
    }

    /// <summary>
    /// One process: prints "first-pause-ms first-call-ms steady-pause-ms steady-call-ms jitted first-freeze-ms steady-freeze-ms collections minor-faults-of-this-thread of-them-from-the-freeze-on".
    /// With <paramref name="listJit"/> it first prints the methods jitted during the first call (the
    /// listener slows that call down; for finding first-use work, not for timing).
    /// </summary>
    public static void Once(string component, bool warm, int steady, bool listJit)
    {
        if (warm) CheckpointWarmUp.Ensure();
        var probe = new PhaseProbe();
        using var host = new ComponentHost { Faults = probe };
        var child = host.Start(SampleCatalog.Create(component), SampleCatalog.DefaultConfig(component));
        host.RunTicks(child, 1);
        // The probe's own code is compiled now, not inside the pause it measures.
        probe.Reach(Rtcr.Faults.FaultPoint.CheckpointPrepared, null);
        probe.Reach(Rtcr.Faults.FaultPoint.CheckpointFrozen, null);
        _ = probe.FreezeMilliseconds + probe.FaultsAtFreeze + GC.CollectionCount(0) + System.Runtime.JitInfo.GetCompiledMethodCount(currentThread: true);
        var listener = listJit ? new JitListener() : null;
        if (listener is not null) Thread.Sleep(1000);
        long jitted = System.Runtime.JitInfo.GetCompiledMethodCount(currentThread: true);
        long faults = MinorFaults();
        int collections = GC.CollectionCount(0);
        long started = Stopwatch.GetTimestamp();
        host.Checkpoint(child).ReleaseBuffers();
        collections = GC.CollectionCount(0) - collections;
        long frozenFaults = MinorFaults() - probe.FaultsAtFreeze;
        faults = MinorFaults() - faults;
        double firstCall = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        jitted = System.Runtime.JitInfo.GetCompiledMethodCount(currentThread: true) - jitted;
        double firstPause = host.LastPauseTime.TotalMilliseconds;
        double firstFreeze = probe.FreezeMilliseconds;
        if (listener is not null)
        {
            Thread.Sleep(2000); // runtime events reach a listener through a dispatch thread, a moment later
            listener.Dispose();
        }
        var pauses = new List<double>();
        var calls = new List<double>();
        for (int i = 0; i < steady; i++)
        {
            host.RunTicks(child, 1);
            started = Stopwatch.GetTimestamp();
            host.Checkpoint(child).ReleaseBuffers();
            calls.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            pauses.Add(host.LastPauseTime.TotalMilliseconds);
        }
        var freezes = new List<double>();
        for (int i = 0; i < steady; i++)
        {
            host.RunTicks(child, 1);
            host.Checkpoint(child).ReleaseBuffers();
            freezes.Add(probe.FreezeMilliseconds);
        }
        Console.WriteLine(string.Join(' ', new[] { firstPause, firstCall, Percentiles.Median(pauses), Percentiles.Median(calls), jitted, firstFreeze, Percentiles.Median(freezes), collections, faults, frozenFaults }
            .Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
    }

    // Minor page faults of the calling thread so far (field 10 of /proc/thread-self/stat).
    private static long MinorFaults()
    {
        string stat = File.ReadAllText("/proc/thread-self/stat");
        return long.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[7], CultureInfo.InvariantCulture);
    }

    // Time from "buffers prepared" to "child frozen": how long the freeze waited for the child's threads.
    private sealed class PhaseProbe : Rtcr.Faults.IFaultInjector
    {
        private long _prepared;

        public double FreezeMilliseconds { get; private set; }

        public long FaultsAtFreeze { get; private set; }

        public void Reach(Rtcr.Faults.FaultPoint point, object? subject)
        {
            if (point == Rtcr.Faults.FaultPoint.CheckpointPrepared) _prepared = Stopwatch.GetTimestamp();
            else if (point == Rtcr.Faults.FaultPoint.CheckpointFrozen)
            {
                FreezeMilliseconds = Stopwatch.GetElapsedTime(_prepared).TotalMilliseconds;
                FaultsAtFreeze = MinorFaults();
            }
        }
    }

    // Prints every method the runtime starts jitting (runtime JIT keyword, verbose).
    private sealed class JitListener : EventListener
    {
        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x10);
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (e.EventName?.StartsWith("MethodJittingStarted", StringComparison.Ordinal) == true && e.Payload is { Count: > 5 } p)
                Console.WriteLine($"jit {p[4]}.{p[5]} (thread {e.OSThreadId})");
        }
    }
}
