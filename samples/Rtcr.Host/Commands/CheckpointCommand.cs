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
        [Description("How long to wait for the running component (default 10).")]
        public int Timeout { get; init; } = 10;
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var pipe = new NamedPipeClientStream(".", settings.Control, PipeDirection.InOut);
        try
        {
            pipe.Connect(TimeSpan.FromSeconds(settings.Timeout));
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"no 'rtcr run --control {settings.Control}' answered within {settings.Timeout} s");
        }
        using var writer = new StreamWriter(pipe, leaveOpen: true) { AutoFlush = true };
        using var reader = new StreamReader(pipe, leaveOpen: true);
        string target = settings.Out is null ? "" : Path.GetFullPath(settings.Out);
        writer.WriteLine("checkpoint " + target);
        string reply = reader.ReadLine() ?? "error the component closed the pipe";
        if (reply.StartsWith("ok ", StringComparison.Ordinal))
        {
            AnsiConsole.MarkupLineInterpolated($"[green]checkpoint written:[/] {reply[3..]}");
            return 0;
        }
        throw new InvalidOperationException(reply.StartsWith("error ", StringComparison.Ordinal) ? reply[6..] : reply);
    }
}
