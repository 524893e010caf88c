using System.ComponentModel;
using Rtcr.Samples;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Rtcr.Host.Commands;

/// <summary><c>rtcr demo</c>: runs sheep_counter for a few ticks in virtual time.</summary>
internal sealed class DemoCommand : Command<DemoCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandOption("--ticks <N>")]
        [Description("Number of ticks to run (default 5).")]
        public long Ticks { get; init; } = 5;
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        AnsiConsole.MarkupLine("[bold]Rtcr demo[/]: sheep_counter under an intercepting parent, virtual time");
        using var run = new ComponentRun(new SheepCounter(), "<config start=\"1\" interval_ms=\"1000\"/>", virtualTime: true);
        var child = run.Run(settings.Ticks, null, cancellationToken);
        AnsiConsole.MarkupLineInterpolated($"[green]{run.Host.Ticks(child)} ticks[/] in {run.Host.Kernel.Clock.NowMicroseconds / 1000} ms of virtual time; {child.Sessions.Count} sessions, {child.Env.Domain.Caps.Used} capabilities");
        return 0;
    }
}
