using Rtcr.Checkpoint;
using Rtcr.Faults;
using Rtcr.Image;
using Rtcr.Sessions;
using Spectre.Console;

namespace Rtcr.Host;

/// <summary>
/// One component run by the CLI: a host, the child, LOG lines printed as they come, and the
/// checkpoint policy (every N ticks or every duration) with images written atomically to a directory.
/// </summary>
internal sealed class ComponentRun : IDisposable
{
    private readonly bool _virtual;
    private readonly Lock _checkpointLock = new();
    private int _sequence;

    public ComponentRun(bool virtualTime, long startMicroseconds = 0, bool plain = false, IncrementalPolicy? policy = null, TimeSpan? pauseTimeout = null)
    {
        _virtual = virtualTime;
        Host = new ComponentHost(
            virtualTime ? ExecutionMode.Deterministic : ExecutionMode.Threaded,
            startMicroseconds: startMicroseconds,
            log: new CollectingLogSink((label, text) =>
            {
                if (plain) Console.WriteLine($"[{label}] {text}");
                else AnsiConsole.MarkupLineInterpolated($"[grey][[{label}]][/] {text}");
            }))
        {
            IncrementalPolicy = policy ?? new IncrementalPolicy(),
            PauseTimeout = pauseTimeout ?? CheckpointOptions.DefaultPauseTimeout,
        };
    }

    /// <summary>Environment variable with a <see cref="FaultPlan"/> for image writes (<c>ImageWrite@3</c>): how tests fail this process's I/O.</summary>
    public const string FaultsVariable = "RTCR_INJECT_FAULTS";

    /// <summary>Faults injected into image writes (tests, through <see cref="FaultsVariable"/>).</summary>
    public IFaultInjector Faults { get; init; } = FaultInjector.None;

    /// <summary>The faults <see cref="FaultsVariable"/> asks for, or none.</summary>
    /// <exception cref="FormatException">The variable is set but malformed.</exception>
    public static IFaultInjector InjectedFaults() =>
        Environment.GetEnvironmentVariable(FaultsVariable) is { Length: > 0 } plan ? FaultPlan.Parse(plan) : FaultInjector.None;

    /// <summary>
    /// Removes the temporary files of writes killed midway (by an earlier run, or another rtcr process
    /// that died) from an image directory, before this run writes there. Files still held by a live writer
    /// are left alone (<see cref="TempFiles.CleanUp"/>).
    /// </summary>
    public static void CleanTempFiles(string directory)
    {
        foreach (var name in TempFiles.CleanUp(directory))
            Console.Error.WriteLine($"removed {Path.Combine(directory, name)}: the temporary file of an image write that did not finish");
    }

    /// <summary>Write deltas of tracked children after their first full image.</summary>
    public bool Incremental { get; init; }

    public ComponentHost Host { get; }

    /// <summary>Take a checkpoint after every N-th tick (0 = never).</summary>
    public long CheckpointEveryTicks { get; init; }

    /// <summary>Take a checkpoint every this many microseconds of (virtual or real) time (0 = never).</summary>
    public long CheckpointEveryMicroseconds { get; init; }

    /// <summary>Where checkpoint images go.</summary>
    public string OutputDirectory { get; init; } = "checkpoints";

    /// <summary>Compress images.</summary>
    public ImageCompression Compression { get; init; }

    /// <summary>Write the child's visible state (<see cref="ChildState"/>) next to each image as <c>&lt;image&gt;.state</c>.</summary>
    public bool WriteStateDumps { get; init; }

    /// <summary>
    /// Sequence number of the first image this run writes; a restored run continues after the images
    /// already in <see cref="OutputDirectory"/> (<see cref="ContinueSequence"/>) instead of overwriting them.
    /// </summary>
    public int FirstSequence
    {
        get => _firstSequence;
        init => (_firstSequence, _sequence) = (value, value - 1);
    }

    private readonly int _firstSequence = 1;

    /// <summary>The sequence number after the highest <c>&lt;component&gt;-&lt;seq&gt;.rtcr</c> in <paramref name="directory"/>.</summary>
    public static int ContinueSequence(string directory, string component)
    {
        if (!Directory.Exists(directory)) return 1;
        int highest = 0;
        foreach (var file in Directory.EnumerateFiles(directory, component + "-*.rtcr"))
        {
            string seq = Path.GetFileNameWithoutExtension(file)[(component.Length + 1)..];
            if (int.TryParse(seq, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n)) highest = Math.Max(highest, n);
        }
        return highest + 1;
    }

    /// <summary>Images written so far.</summary>
    public List<string> Written { get; } = new();

    /// <summary>Checkpoints the child now and writes <c>&lt;component&gt;-&lt;seq&gt;.rtcr</c>; returns the path.</summary>
    public string CheckpointNow(Child child, string? path = null)
    {
        lock (_checkpointLock)
        {
            path ??= Path.Combine(OutputDirectory, $"{child.Program.Name}-{++_sequence:D4}.rtcr");
            // A chain lives in one directory (restore looks for parents next to the delta): an image
            // asked for elsewhere is full, and the chain in the output directory starts anew after it.
            bool inChain = Path.GetFullPath(Path.GetDirectoryName(Path.GetFullPath(path))!) == Path.GetFullPath(OutputDirectory);
            var image = Host.Checkpoint(child, Incremental && inChain, Path.GetFileName(path));
            if (!inChain) Host.BreakChain(child);
            try
            {
                ImageProgress.Run($"writing {Path.GetFileName(path)}", image.MemoryBytes, progress =>
                {
                    ImageWriter.WriteFile(image, path, Compression, progress, Faults);
                    return path;
                });
            }
            catch
            {
                // The image is lost and its dirty marks were reset: a delta of it could never be restored.
                Host.BreakChain(child);
                throw;
            }
            finally
            {
                image.ReleaseBuffers(); // written or lost: the next checkpoint reuses its buffers
            }
            // Atomic, so a symlink planted under the .state name is replaced, never written through.
            if (WriteStateDumps) AtomicFile.WriteAllText(path + ".state", ChildState.Dump(Host, child), Faults);
            Written.Add(path);
            string kind = image.IsDelta ? $"delta {image.Manifest.ChainDepth} of the chain" : "full image";
            Console.Error.WriteLine($"checkpoint {path}: {kind}, {image.MemoryBytes} bytes of memory, {image.Manifest.Sessions.Count} sessions, paused {Host.LastPauseTime.TotalMilliseconds:F2} ms");
            return path;
        }
    }

    /// <summary>
    /// A periodic checkpoint: one that fails (disk full, a write error, a capture that failed) is reported
    /// on stderr and the run goes on; the previous image stays as it was, and the next checkpoint is a
    /// full image (a delta of the lost one could never be restored). Returns whether it was written.
    /// </summary>
    public bool PeriodicCheckpoint(Child child)
    {
        try
        {
            CheckpointNow(child);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CheckpointException)
        {
            Host.BreakChain(child);
            Interlocked.Increment(ref _failedCheckpoints);
            string previous = Written.Count == 0 ? "no image was written before" : $"the previous image {Written[^1]} stays";
            Console.Error.WriteLine($"checkpoint of '{child.Label}' failed: {ex.Message}; the run goes on, {previous}");
            return false;
        }
    }

    private int _failedCheckpoints;

    /// <summary>Periodic checkpoints that failed (and were reported) in this run.</summary>
    public int FailedCheckpoints => Volatile.Read(ref _failedCheckpoints);

    /// <summary>
    /// Runs <paramref name="child"/> until it has done <paramref name="ticks"/> more ticks or
    /// <paramref name="durationMicroseconds"/> passed. <paramref name="start"/> lets a stopped child
    /// run once the starting tick count is read (a restored child must not tick before that).
    /// </summary>
    public void Run(Child child, long? ticks, long? durationMicroseconds, CancellationToken cancel, Action? start = null)
    {
        long startTicks = Host.Ticks(child);
        long targetTicks = ticks is long n ? startTicks + n : long.MaxValue;
        if (_virtual)
        {
            start?.Invoke();
            RunVirtual(child, targetTicks, durationMicroseconds);
        }
        else RunThreaded(child, targetTicks, durationMicroseconds, cancel, start);
    }

    private void RunVirtual(Child child, long targetTicks, long? duration)
    {
        var kernel = Host.Kernel;
        long end = duration is long d ? kernel.Clock.NowMicroseconds + d : long.MaxValue;
        long nextTimed = CheckpointEveryMicroseconds > 0 ? kernel.Clock.NowMicroseconds + CheckpointEveryMicroseconds : long.MaxValue;
        long seen = Host.Ticks(child);
        // A timed checkpoint is taken at its time exactly: after every event due at or before it, before any later one.
        void TimedCheckpoints()
        {
            while (kernel.Clock.NowMicroseconds >= nextTimed)
            {
                PeriodicCheckpoint(child);
                nextTimed += CheckpointEveryMicroseconds;
            }
        }
        while (Host.Ticks(child) < targetTicks)
        {
            long next = kernel.NextEventMicroseconds ?? long.MaxValue;
            if (next == long.MaxValue && end == long.MaxValue) throw new InvalidOperationException($"'{child.Label}' has nothing scheduled any more after {Host.Ticks(child)} ticks");
            if (nextTimed < next && nextTimed <= end)
            {
                kernel.AdvanceTo(nextTimed);
                TimedCheckpoints();
                continue;
            }
            if (next > end)
            {
                kernel.AdvanceTo(end);
                TimedCheckpoints();
                break;
            }
            kernel.AdvanceToNextEvent();
            if (child.Failure is { } failure) throw new InvalidOperationException($"'{child.Label}' failed", failure);
            for (long t = Host.Ticks(child); seen < t; seen++)
                if (CheckpointEveryTicks > 0 && (seen + 1) % CheckpointEveryTicks == 0) PeriodicCheckpoint(child);
            TimedCheckpoints();
        }
    }

    private void RunThreaded(Child child, long targetTicks, long? duration, CancellationToken cancel, Action? start)
    {
        using var done = new ManualResetEventSlim();
        Exception? failure = null;
        bool frozen = false;
        void OnTick(Execution.Entrypoint ep)
        {
            if (ep != child.Env.Entrypoint) return;
            long t = Host.Ticks(child);
            try
            {
                if (CheckpointEveryTicks > 0 && t % CheckpointEveryTicks == 0) PeriodicCheckpoint(child);
            }
            catch (Exception ex)
            {
                failure = ex;
                done.Set();
            }
            if (t >= targetTicks && !done.IsSet)
            {
                // Freeze here, at the handler boundary on the entrypoint's own thread, so that not one
                // more signal is handled after the last requested tick.
                child.Env.Domain.Freeze();
                frozen = true;
                done.Set();
            }
        }
        Host.TickCompleted += OnTick;
        start?.Invoke(); // only now: a tick before the handler is subscribed would go uncounted
        using var timer = CheckpointEveryMicroseconds > 0
            ? new Timer(_ =>
            {
                try { PeriodicCheckpoint(child); }
                catch (Exception ex) { failure = ex; done.Set(); }
            }, null, TimeSpan.FromMicroseconds(CheckpointEveryMicroseconds), TimeSpan.FromMicroseconds(CheckpointEveryMicroseconds))
            : null;
        if (Host.Ticks(child) >= targetTicks) done.Set();
        var timeout = duration is long d ? TimeSpan.FromMicroseconds(d) : Timeout.InfiniteTimeSpan;
        WaitHandle.WaitAny([done.WaitHandle, cancel.WaitHandle], timeout);
        Host.TickCompleted -= OnTick;
        if (!Volatile.Read(ref frozen)) child.Env.Domain.Freeze();
        if (failure is not null) throw new InvalidOperationException($"checkpoint of '{child.Label}' failed: {failure.Message}", failure);
        if (child.Failure is { } f) throw new InvalidOperationException($"'{child.Label}' failed", f);
    }

    public void Dispose() => Host.Dispose();
}
