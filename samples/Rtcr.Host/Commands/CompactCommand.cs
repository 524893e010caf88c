using System.ComponentModel;
using Rtcr.Checkpoint;
using Rtcr.Image;
using Rtcr.Sessions;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Rtcr.Host.Commands;

/// <summary><c>rtcr compact</c>: folds an image chain (a full image and its deltas) into one full image.</summary>
internal sealed class CompactCommand : Command<CompactCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<image>")]
        [Description("The newest image of the chain; its ancestors are found in the same directory.")]
        public string Image { get; init; } = "";

        [CommandOption("--out <FILE>")]
        [Description("Where the full image goes (default: <image> with '-full' before the extension). The chain itself is left as it is.")]
        public string? Out { get; init; }

        [CommandOption("--compress")]
        [Description("Compress the full image (lz4-delta unless --codec says otherwise).")]
        public bool Compress { get; init; }

        [CommandOption("--codec <lz4-delta|lz4|zstd|deflate>")]
        [Description("Codec for --compress.")]
        public string? Codec { get; init; }

        public override ValidationResult Validate()
        {
            if (!File.Exists(Image)) return ValidationResult.Error($"image '{Image}' does not exist");
            if (Codecs.Problem(Compress, Codec) is { } codec) return ValidationResult.Error(codec);
            if (Out is not null && Path.GetFullPath(Out) == Path.GetFullPath(Image))
                return ValidationResult.Error("--out must differ from the image: the chain stays intact until the full image is written and checked");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var links = ImageChain.Describe(settings.Image);
        var folded = ImageChain.Load(settings.Image, SessionRecorders.Schema);
        // A new full image with its own id: it starts a chain of its own, in the same lineage.
        var manifest = folded.Manifest with
        {
            ImageId = Guid.NewGuid().ToString("N"),
            ParentImageId = null,
            ParentManifestChecksum = 0,
            ParentFileName = null,
            ChainDepth = 0,
            Metadata = new Dictionary<string, string>(folded.Manifest.Metadata) { ["compacted-from"] = folded.Manifest.ImageId },
        };
        var full = new CheckpointImage(manifest, folded.Contents);
        string output = settings.Out ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(settings.Image))!, Path.GetFileNameWithoutExtension(settings.Image) + "-full.rtcr");
        ComponentRun.CleanTempFiles(Path.GetDirectoryName(Path.GetFullPath(output))!);
        ImageProgress.Run($"writing {Path.GetFileName(output)}", full.MemoryBytes, progress =>
        {
            ImageWriter.WriteFile(full, output, Codecs.Choose(settings.Compress, settings.Codec), progress, ComponentRun.InjectedFaults());
            return output;
        });
        ImageReader.ReadFile(output, SessionRecorders.Schema); // what was written must read back
        long chainBytes = links.Sum(l => new FileInfo(l.Path).Length);
        AnsiConsole.MarkupLineInterpolated($"compacted {links.Count} images ({chainBytes:N0} bytes) into [bold]{output}[/] ({new FileInfo(output).Length:N0} bytes, {full.MemoryBytes:N0} bytes of memory)");
        return 0;
    }
}
