using System.ComponentModel;
using System.IO.Pipes;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Rtcr.Host.Commands;

/// <summary><c>rtcr checkpoint</c>: checkpoints a component run by another <c>rtcr run --control NAME</c>.</summary>
internal sealed class CheckpointCommand : Command<CheckpointCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<control>")]
        [Description("The --control NAME of the running 'rtcr run'.")]
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
        // One deadline for the whole exchange: connecting, sending, and waiting for the image to be written.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(settings.Timeout));
        using var pipe = new NamedPipeClientStream(".", settings.Control, PipeDirection.InOut, PipeOptions.Asynchronous | PipeOptions.CurrentUserOnly);
        string reply;
        try
        {
            pipe.ConnectAsync(deadline.Token).GetAwaiter().GetResult();
            string target = settings.Out is null ? "" : Path.GetFullPath(settings.Out);
            pipe.WriteAsync(System.Text.Encoding.UTF8.GetBytes("checkpoint " + target + "\n"), deadline.Token).AsTask().GetAwaiter().GetResult();
            using var reader = new StreamReader(pipe, leaveOpen: true);
            reply = reader.ReadLineAsync(deadline.Token).AsTask().GetAwaiter().GetResult() ?? "error the component closed the pipe";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new InvalidOperationException($"no answer from 'rtcr run --control {settings.Control}' within {settings.Timeout} s");
        }
        if (!reply.StartsWith("ok ", StringComparison.Ordinal))
            throw new InvalidOperationException(reply.StartsWith("error ", StringComparison.Ordinal) ? reply[6..] : $"unexpected reply '{reply}'");
        // Success only for an image that is there and reads: a reply alone proves nothing.
        string path = reply[3..];
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
