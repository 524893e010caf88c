using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Rtcr.Host.Commands;

/// <summary>
/// The checkpoint options shared by <c>rtcr run</c> and <c>rtcr restore</c>, so a restored component
/// can be checkpointed again exactly like a started one (chains from the CLI).
/// </summary>
internal abstract class CheckpointSettings : CommandSettings
{
    [CommandOption("--checkpoint-every <N|DURATION>")]
    [Description("Checkpoint after every N-th tick (a bare number) or every DURATION (e.g. 500ms) into --out.")]
    public string? CheckpointEvery { get; init; }

    [CommandOption("--out <DIR>")]
    [Description("Directory for checkpoint images <component>-<seq>.rtcr (default: checkpoints).")]
    public string Out { get; init; } = "checkpoints";

    [CommandOption("--compress")]
    [Description("Compress image chunks (lz4-delta unless --codec says otherwise; a chunk that does not shrink is stored raw).")]
    public bool Compress { get; init; }

    [CommandOption("--codec <lz4-delta|lz4|zstd|deflate>")]
    [Description("Codec for --compress: lz4-delta (default: LZ4 after a 64-bit word-delta filter where a sample shows it pays, plain LZ4 elsewhere), lz4 (plain), zstd (level 1, smaller on mixed data, slower) or deflate (fastest level).")]
    public string? Codec { get; init; }

    [CommandOption("--control <NAME>")]
    [Description("Listen on a local control pipe NAME so that 'rtcr checkpoint NAME' can checkpoint this run.")]
    public string? Control { get; init; }

    [CommandOption("--state-dumps")]
    [Description("Write the child's visible state next to each image as <image>.state (for state-equality checks).")]
    public bool StateDumps { get; init; }

    [CommandOption("--incremental")]
    [Description("Track the child's RAM (designated dataspaces, dirty tracking through faults) and write deltas after the first full image; see docs/incremental.md.")]
    public bool Incremental { get; init; }

    [CommandOption("--granularity <SIZE|adaptive>")]
    [Description(TrackingSettings.GranularityHelp)]
    public string? Granularity { get; init; }

    [CommandOption("--tracking <write|access>")]
    [Description(TrackingSettings.ModeHelp)]
    public string? Tracking { get; init; }

    [CommandOption("--max-chain <N>")]
    [Description("With --incremental: deltas after a full image before the next full image (default 16). A full image is also taken once the deltas hold as many bytes as the memory.")]
    public int? MaxChain { get; init; }

    [CommandOption("--pause-timeout <DURATION>")]
    [Description("How long a checkpoint waits for the child to stop at a handler/step boundary (default 5s). A child that does not stop in time is reported by name with the threads or handler that did not stop; that checkpoint fails and the child runs on.")]
    public string? PauseTimeout { get; init; }

    /// <summary>The pause timeout given with --pause-timeout, or the default.</summary>
    public TimeSpan PauseTimeoutValue() =>
        PauseTimeout is null ? Checkpoint.CheckpointOptions.DefaultPauseTimeout : TimeSpan.FromMicroseconds(Duration.ParseMicroseconds(PauseTimeout, "--pause-timeout"));

    /// <summary>Dirty tracking for the child, or null without --incremental.</summary>
    public Tracking.TrackingOptions? TrackingOptions() => TrackingSettings.Create(Incremental, Granularity, Tracking);

    /// <summary>When deltas give way to a full image.</summary>
    public Sessions.IncrementalPolicy IncrementalPolicy() => new() { MaxChainLength = MaxChain ?? 16 };

    public (long Ticks, long Microseconds) CheckpointPolicy()
    {
        if (CheckpointEvery is null) return (0, 0);
        if (long.TryParse(CheckpointEvery, out long n)) return (n, 0);
        return (0, Duration.ParseMicroseconds(CheckpointEvery, "--checkpoint-every"));
    }

    /// <summary>A run with this host clock and these checkpoint options.</summary>
    public ComponentRun CreateRun(bool virtualTime, bool plain, long startMicroseconds = 0, int firstSequence = 1)
    {
        var (everyTicks, everyUs) = CheckpointPolicy();
        ComponentRun.CleanTempFiles(Out);
        return new ComponentRun(virtualTime, startMicroseconds, plain, IncrementalPolicy(), PauseTimeoutValue())
        {
            Faults = ComponentRun.InjectedFaults(),
            Incremental = Incremental,
            FirstSequence = firstSequence,
            CheckpointEveryTicks = everyTicks,
            CheckpointEveryMicroseconds = everyUs,
            OutputDirectory = Out,
            Compression = Codecs.Choose(Compress, Codec),
            WriteStateDumps = StateDumps,
        };
    }

    protected ValidationResult ValidateCheckpointing()
    {
        if (CheckpointEvery is not null && !(long.TryParse(CheckpointEvery, out long n) && n > 0) && !(Duration.TryParseMicroseconds(CheckpointEvery, out long us) && us > 0))
            return ValidationResult.Error($"--checkpoint-every: '{CheckpointEvery}' is neither a positive tick count nor a duration (examples: 5, 500ms, 2s)");
        if (Codecs.Problem(Compress, Codec) is { } codec) return ValidationResult.Error(codec);
        if (PauseTimeout is not null && !(Duration.TryParseMicroseconds(PauseTimeout, out long pause) && pause > 0))
            return ValidationResult.Error($"--pause-timeout: '{PauseTimeout}' is not a positive duration (examples: 500ms, 5s)");
        if (MaxChain is not null && (!Incremental || MaxChain < 0)) return ValidationResult.Error("--max-chain needs --incremental and a count of 0 or more");
        if (TrackingSettings.Validate(Incremental, Granularity, Tracking) is { Successful: false } tracking) return tracking;
        return ValidationResult.Success();
    }
}
