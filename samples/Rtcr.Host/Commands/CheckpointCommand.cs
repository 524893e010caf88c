using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Rtcr.Host.Commands;

/// <summary><c>rtcr checkpoint</c>: checkpoints a component run by another <c>rtcr run</c> or <c>rtcr restore</c> with <c>--control NAME</c>.</summary>
internal sealed class CheckpointCommand : Command<CheckpointCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<control>")]
        [Description("The --control NAME of the running 'rtcr run' or 'rtcr restore'.")]
        public string Control { get; init; } = "";

        [CommandOption("--out <FILE>")]
        [Description("Image file to write (default: <component>-<seq>.rtcr in the run's --out directory).")]
        public string? Out { get; init; }

        [CommandOption("--timeout <SECONDS>")]
        [Description("How long the whole request may take: connecting, and the image being written (default 10).")]
        public int Timeout { get; init; } = 10;
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        string target = settings.Out is null ? "" : Path.GetFullPath(settings.Out);
        string path = ControlClient.Request(settings.Control, "checkpoint " + target, settings.Timeout, cancellationToken);
        // Success only for an image that is there and reads: a reply alone proves nothing.
        try
        {
            Image.ImageReader.ReadManifest(path);
        }
        catch (Exception ex) when (ex is IOException or Image.ImageFormatException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"the run answered that it wrote '{path}', but that is not a readable image: {ex.Message}", ex);
        }
        AnsiConsole.MarkupLineInterpolated($"[green]checkpoint written:[/] {path}");
        return 0;
    }
}
