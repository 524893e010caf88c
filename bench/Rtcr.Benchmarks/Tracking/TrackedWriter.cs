using System.Diagnostics;
using Rtcr.Benchmarks.Support;
using Rtcr.Checkpoint;
using Rtcr.Samples;
using Rtcr.Sessions;
using Rtcr.Tracking;

namespace Rtcr.Benchmarks.Tracking;

/// <summary>
/// A host running one <c>memory_writer</c> child, tracked or not, whose working set is
/// filled with a non-zero pattern before the first checkpoint (so no copy reads never-touched pages,
/// and every write the child does changes the bytes it writes to). Its epochs are timer ticks: in
/// deterministic execution the writer's steps and the fault handler run on the calling thread, so
/// the wall time of <see cref="RunEpoch"/> is the child's run time including every tracking fault.
/// </summary>
public sealed class TrackedWriter : IDisposable
{
    private long _ticks;

    private TrackedWriter(ComponentHost host, Child child, long size)
    {
        Host = host;
        Child = child;
        Size = size;
    }

    /// <summary>The host (its incremental policy never forces a full image, so every delta is measured).</summary>
    public ComponentHost Host { get; }

    /// <summary>The memory_writer child.</summary>
    public Child Child { get; }

    /// <summary>Working-set size in bytes.</summary>
    public long Size { get; }

    /// <summary>The child's dirty tracker, or null when it is not tracked.</summary>
    public DirtyTracker? Tracker => Host.TrackerOf(Child);

    /// <summary>Writes the child has done so far (read from its state page).</summary>
    public long Writes => Child.Env.Memory.Read<long>(MemoryWriter.StateAddress);

    /// <summary>The memory_writer config for a working set of <paramref name="size"/> bytes.</summary>
    public static string Config(long size, string pattern, long rate) =>
        $"<config working_set=\"{size}\" pattern=\"{pattern}\" rate=\"{rate}\" interval_ms=\"100\" seed=\"1\"/>";

    /// <summary>Starts a writer; <paramref name="tracking"/> null runs it untracked.</summary>
    public static TrackedWriter Start(long size, string pattern, long rate, TrackingOptions? tracking, ExecutionMode mode = ExecutionMode.Deterministic)
    {
        // Deltas are measured at every granularity, also where they hold more than the whole memory
        // (the default policy would take a full image then).
        var host = new ComponentHost(mode)
        {
            IncrementalPolicy = new IncrementalPolicy { MaxChainLength = int.MaxValue, MaxDeltaShare = double.PositiveInfinity },
        };
        var child = host.Start(SampleCatalog.Create("memory_writer"), Config(size, pattern, rate),
            new ChildOptions { RamQuota = size + (16L << 20), Tracking = tracking });
        var writer = new TrackedWriter(host, child, size);
        writer.Fill(0x5a);
        return writer;
    }

    /// <summary>
    /// Deterministic execution: runs one epoch (one timer tick of the child); returns its wall time
    /// and the CPU time of this thread, in milliseconds.
    /// </summary>
    public (double WallMs, double CpuMs) RunEpoch()
    {
        double c0 = ThreadCpuClock.NowMs();
        long t0 = Stopwatch.GetTimestamp();
        Host.RunTicks(Child, ++_ticks);
        return (Stopwatch.GetElapsedTime(t0).TotalMilliseconds, ThreadCpuClock.NowMs() - c0);
    }

    /// <summary>
    /// Checkpoints the child, timing the whole call (wall and this thread's CPU time, ms) and
    /// returning the pause the checkpointer measured (wall, ms).
    /// </summary>
    public (CheckpointImage Image, double TotalMs, double TotalCpuMs, double PauseMs) Checkpoint(bool incremental)
    {
        // As the CLI does once an image is written: its delta buffers go back for the next checkpoint
        // to reuse. The image returned last stays valid until the next call.
        _last?.ReleaseBuffers();
        double c0 = ThreadCpuClock.NowMs();
        long t0 = Stopwatch.GetTimestamp();
        var image = Host.Checkpoint(Child, incremental);
        double total = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        _last = image;
        return (image, total, ThreadCpuClock.NowMs() - c0, Host.LastPauseTime.TotalMilliseconds);
    }

    private CheckpointImage? _last;

    // Straight into the RAM behind the working set, not through the child's address space: this
    // neither faults nor marks anything dirty (the first checkpoint copies everything anyway).
    private void Fill(byte value)
    {
        if (Tracker is { } tracker)
        {
            foreach (var ds in tracker.Dataspaces)
                if (ds.Size == Size) ds.ContentRam.GetSpan(0, checked((int)Size)).Fill(value);
            return;
        }
        Child.Env.Memory.GetSpan(MemoryWriter.WorkingSetAddress, checked((int)Size), write: true).Fill(value);
    }

    /// <inheritdoc />
    public void Dispose() => Host.Dispose();
}
