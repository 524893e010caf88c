using System.ComponentModel;
using Rtcr.Image;
using Rtcr.Samples;
using Rtcr.Sessions;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Rtcr.Host.Commands;

/// <summary>
/// <c>rtcr restore</c>: restores a component from an image in this (new) process and runs it on, with
/// the checkpoint options of <c>rtcr run</c> so that it can be checkpointed again (chains), or leaves
/// it stopped.
/// </summary>
internal sealed class RestoreCommand : Command<RestoreCommand.Settings>
{
    internal sealed class Settings : CheckpointSettings
    {
        [CommandArgument(0, "<image>")]
        [Description("Image file written by 'rtcr run --checkpoint-every' or 'rtcr checkpoint'.")]
        public string Image { get; init; } = "";

        [CommandOption("--ticks <N>")]
        [Description("Run N further ticks after the restore (default 10 unless --for is given).")]
        public long? Ticks { get; init; }

        [CommandOption("--for <DURATION>")]
        [Description("Run for this much further time.")]
        public string? For { get; init; }

        [CommandOption("--virtual-time")]
        [Description("Continue on a virtual clock starting at the image's time (deterministic).")]
        public bool VirtualTime { get; init; }

        [CommandOption("--digest")]
        [Description("Print a digest of the component's memory when the run ends.")]
        public bool Digest { get; init; }

        [CommandOption("--state-out <FILE>")]
        [Description("Write the restored child's visible state to FILE right after the restore (before running on).")]
        public string? StateOut { get; init; }

        [CommandOption("--plain")]
        [Description("Print LOG lines without colour markup.")]
        public bool Plain { get; init; }

        [CommandOption("--leave-stopped")]
        [Description("Restore without resuming: report (--state-out, --digest) and exit, or with --control wait until 'rtcr resume NAME' (checkpoints of the stopped child work meanwhile).")]
        public bool LeaveStopped { get; init; }

        public override ValidationResult Validate()
        {
            if (!File.Exists(Image)) return ValidationResult.Error($"image '{Image}' does not exist");
            if (ValidateCheckpointing() is { Successful: false } bad) return bad;
            if (Ticks is not null && For is not null) return ValidationResult.Error("give either --ticks or --for, not both");
            if (Ticks is < 0) return ValidationResult.Error("--ticks must not be negative");
            if (For is not null && !Duration.TryParseMicroseconds(For, out _)) return ValidationResult.Error($"--for: '{For}' is not a duration");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var schema = SessionRecorders.Schema;
        // The newest image of a chain brings its ancestors: all are found, checked and folded first.
        var image = ImageProgress.Run($"reading {Path.GetFileName(settings.Image)}", new FileInfo(settings.Image).Length,
            progress => ImageChain.Load(settings.Image, schema));
        var program = image.Manifest.Metadata.GetValueOrDefault("program", "component");
        // First-use work (JIT, serializer setup) before the child runs, not in its first checkpoint's pause.
        if (settings.CheckpointEvery is not null || settings.Control is not null) CheckpointWarmUp.Ensure();
        using var run = settings.CreateRun(settings.VirtualTime, settings.Plain, image.Manifest.ClockMicroseconds,
            firstSequence: ComponentRun.ContinueSequence(settings.Out, program));
        // Restored stopped: the state is read, the tick count taken and the clock restarted at the
        // image's time before the child runs, so --ticks N is exactly N more ticks, the .state dump is of
        // the restored state, and the time spent restoring does not reach the child as a clock jump.
        // With --incremental the restored child is tracked again; when its images go next to the one it
        // came from, its first checkpoint is a delta of that image and the chain goes on.
        bool sameDirectory = Path.GetFullPath(Path.GetDirectoryName(Path.GetFullPath(settings.Image))!) == Path.GetFullPath(settings.Out);
        var child = run.Host.Restore(image, ComponentCatalog.Create, settings.TrackingOptions(),
            continueChainAs: settings.Incremental && sameDirectory ? Path.GetFileName(settings.Image) : null, leaveStopped: true);
        Console.Error.WriteLine($"restored '{child.Label}' from {settings.Image} at t={image.Manifest.ClockMicroseconds / 1000} ms: {child.Sessions.Count} sessions, {child.Env.Domain.Caps.Used} capabilities, {image.MemoryBytes} bytes of memory{(settings.LeaveStopped ? " (stopped)" : "")}");
        if (settings.StateOut is not null) AtomicFile.WriteAllText(settings.StateOut, ChildState.Dump(run.Host, child));
        using var resumed = new ManualResetEventSlim();
        using var control = settings.Control is null ? null : new ControlServer(settings.Control,
            path => run.CheckpointNow(child, path.Length == 0 ? null : path),
            resume: () =>
            {
                resumed.Set();
                return child.Label;
            });
        if (settings.LeaveStopped)
        {
            if (control is null)
            {
                if (settings.Digest) Console.WriteLine($"memory digest: {MemoryDigest.Of(child):x16}");
                return 0;
            }
            Console.Error.WriteLine($"'{child.Label}' is stopped; 'rtcr resume {settings.Control}' lets it run");
            WaitHandle.WaitAny([resumed.WaitHandle, cancellationToken.WaitHandle]);
            if (cancellationToken.IsCancellationRequested) return 0;
        }
        long? duration = settings.For is null ? null : Duration.ParseMicroseconds(settings.For, "--for");
        long? ticks = settings.Ticks ?? (duration is null ? 10 : null);
        void Start() => run.Host.Resume(child, image.Manifest.ClockMicroseconds);
        if (ticks is not 0) run.Run(child, ticks, duration, cancellationToken, Start);
        else Start();
        if (settings.Digest) Console.WriteLine($"memory digest: {MemoryDigest.Of(child):x16}");
        return 0;
    }
}
