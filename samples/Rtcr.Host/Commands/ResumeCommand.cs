using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Rtcr.Host.Commands;

/// <summary><c>rtcr resume</c>: lets a component restored by <c>rtcr restore --leave-stopped --control NAME</c> run.</summary>
internal sealed class ResumeCommand : Command<ResumeCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<control>")]
        [Description("The --control NAME of the 'rtcr restore --leave-stopped' process.")]
        public string Control { get; init; } = "";

        [CommandOption("--timeout <SECONDS>")]
        [Description("How long to wait for the restoring process (default 10).")]
        public int Timeout { get; init; } = 10;
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        string what = ControlClient.Request(settings.Control, "resume", settings.Timeout, cancellationToken);
        AnsiConsole.MarkupLineInterpolated($"[green]resumed:[/] {what}");
        return 0;
    }
}
