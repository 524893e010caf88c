using System.ComponentModel;
using Rtcr.Image;
using Rtcr.Samples;
using Rtcr.Sessions;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Rtcr.Host.Commands;

/// <summary>
/// <c>rtcr demo</c>: runs sheep_counter in virtual time, checkpoints it to an image file, lets it
/// run on, then restores the image into a fresh kernel and shows that the restored copy continues
/// with exactly the same lines.
/// </summary>
internal sealed class DemoCommand : Command<DemoCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandOption("--ticks <N>")]
        [Description("Ticks before the checkpoint (default 3); the demo then runs 3 more on each side.")]
        public long Ticks { get; init; } = 3;
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        AnsiConsole.MarkupLine("[bold]Rtcr demo[/]: sheep_counter under an intercepting parent, virtual time");
        string path = Path.Combine(Path.GetTempPath(), $"rtcr-demo-{Environment.ProcessId}.rtcr");
        try
        {
            using var original = new ComponentRun(virtualTime: true);
            var child = original.Host.Start(new SheepCounter(), "<config start=\"1\" interval_ms=\"1000\"/>");
            original.Run(child, settings.Ticks, null, cancellationToken);

            var image = original.Host.Checkpoint(child);
            ImageWriter.WriteFile(image, path);
            AnsiConsole.MarkupLineInterpolated($"[yellow]checkpoint[/] after {original.Host.Ticks(child)} ticks: {image.Manifest.Sessions.Count} sessions, {image.Manifest.Capabilities.Count} capabilities, {image.MemoryBytes:N0} bytes of memory -> {path} ({new FileInfo(path).Length:N0} bytes), child paused {original.Host.LastPauseTime.TotalMilliseconds:F3} ms");

            AnsiConsole.MarkupLine("[bold]original continues:[/]");
            original.Run(child, 3, null, cancellationToken);

            AnsiConsole.MarkupLine("[bold]restored copy (fresh kernel, from the image file):[/]");
            var loaded = ImageReader.ReadFile(path, SessionRecorders.Schema);
            using var restored = new ComponentRun(virtualTime: true, loaded.Manifest.ClockMicroseconds);
            var copy = restored.Host.Restore(loaded, SampleCatalog.Create);
            restored.Run(copy, 3, null, cancellationToken);

            bool same = MemoryDigest.Of(child) == MemoryDigest.Of(copy);
            if (same) AnsiConsole.MarkupLineInterpolated($"memory digests [green]match[/]: {MemoryDigest.Of(child):x16}");
            else AnsiConsole.MarkupLineInterpolated($"memory digests [red]differ[/]: {MemoryDigest.Of(child):x16} / {MemoryDigest.Of(copy):x16}");
            return same ? 0 : 1;
        }
        finally
        {
            if (File.Exists(path)) File.Delete(path);
        }
    }
}
