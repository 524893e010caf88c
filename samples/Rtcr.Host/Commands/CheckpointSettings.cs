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
    [Description("Compress image chunks (LZ4 unless --codec says otherwise; a chunk that does not shrink is stored raw).")]
    public bool Compress { get; init; }

    [CommandOption("--codec <lz4|zstd|deflate>")]
    [Description("Codec for --compress: lz4 (default, fastest), zstd (level 1, smaller, slower) or deflate (fastest level).")]
    public string? Codec { get; init; }

    [CommandOption("--control <NAME>")]
    [Description("Listen on a local control pipe NAME so that 'rtcr checkpoint NAME' can checkpoint this run.")]
    public string? Control { get; init; }

    [CommandOption("--state-dumps")]
    [Description("Write the child's visible state next to each image as <image>.state (for state-equality checks).")]
    public bool StateDumps { get; init; }

    public (long Ticks, long Microseconds) CheckpointPolicy()
    {
        if (CheckpointEvery is null) return (0, 0);
        if (long.TryParse(CheckpointEvery, out long n)) return (n, 0);
        return (0, Duration.ParseMicroseconds(CheckpointEvery, "--checkpoint-every"));
    }

    /// <summary>A run with this host clock and these checkpoint options.</summary>
    public ComponentRun CreateRun(bool virtualTime, bool plain, long startMicroseconds = 0, int firstSequence = 1,
        Sessions.IncrementalPolicy? policy = null, bool incremental = false)
    {
        var (everyTicks, everyUs) = CheckpointPolicy();
        return new ComponentRun(virtualTime, startMicroseconds, plain, policy)
        {
            Incremental = incremental,
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
        return ValidationResult.Success();
    }
}
