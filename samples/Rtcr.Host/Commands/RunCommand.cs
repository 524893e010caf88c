using Rtcr.Samples;
using Spectre.Console.Cli;

namespace Rtcr.Host.Commands;

/// <summary><c>rtcr run</c>: runs a component under the parent and prints its LOG lines; optionally checkpoints it.</summary>
internal sealed class RunCommand : Command<RunSettings>
{
    public override int Execute(CommandContext context, RunSettings settings, CancellationToken cancellationToken)
    {
        var program = ComponentCatalog.Create(settings.Component);
        string config = settings.ConfigFile is null ? ComponentCatalog.DefaultConfig(settings.Component) : File.ReadAllText(settings.ConfigFile);
        // First-use work (JIT, serializer setup) before the child starts, not in its first checkpoint's pause.
        if ((settings.CheckpointEvery is not null || settings.Control is not null) && !settings.NoWarmUp) Sessions.CheckpointWarmUp.Ensure();
        using var run = settings.CreateRun(settings.VirtualTime, settings.Plain);
        var child = run.Host.Start(program, config, settings.ChildOptions(settings.TrackingOptions()));
        using var control = settings.Control is null ? null : new ControlServer(settings.Control, path => run.CheckpointNow(child, path.Length == 0 ? null : path));
        long? duration = settings.For is null ? null : Duration.ParseMicroseconds(settings.For, "--for");
        long? ticks = settings.Ticks ?? (duration is null ? 10 : null);
        run.Run(child, ticks, duration, cancellationToken);
        if (settings.Digest) Console.WriteLine($"memory digest: {MemoryDigest.Of(child):x16}");
        return 0;
    }
}
