using Rtcr.Samples;
using Rtcr.Sessions;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Rtcr.Host.Commands;

/// <summary><c>rtcr run</c>: runs a component under the parent and prints its LOG lines.</summary>
internal sealed class RunCommand : Command<RunSettings>
{
    public override int Execute(CommandContext context, RunSettings settings, CancellationToken cancellationToken)
    {
        var program = SampleCatalog.Create(settings.Component);
        string config = settings.ConfigFile is null ? SampleCatalog.DefaultConfig(settings.Component) : File.ReadAllText(settings.ConfigFile);
        var run = new ComponentRun(program, config, settings.VirtualTime);
        long? duration = settings.For is null ? null : Duration.ParseMicroseconds(settings.For, "--for");
        long? ticks = settings.Ticks ?? (duration is null ? 10 : null);
        run.Run(ticks, duration, cancellationToken);
        return 0;
    }
}
