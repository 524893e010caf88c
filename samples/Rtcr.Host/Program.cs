using Rtcr.Host.Commands;
using Spectre.Console;
using Spectre.Console.Cli;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("rtcr");
    // An unknown or misspelt option is an error, never silently ignored (a typo in --checkpoint-every
    // would otherwise run without a single checkpoint).
    config.Settings.StrictParsing = true;
    config.AddCommand<RunCommand>("run")
        .WithDescription("Run a component under the parent and print its LOG lines.")
        .WithExample("run", "sheep_counter", "--ticks", "5", "--virtual-time");
    config.AddCommand<CheckpointCommand>("checkpoint")
        .WithDescription("Checkpoint a component run elsewhere with 'rtcr run/restore --control NAME'.")
        .WithExample("checkpoint", "sheep", "--out", "sheep.rtcr");
    config.AddCommand<RestoreCommand>("restore")
        .WithDescription("Restore a component from an image in this process and run it on; it can be checkpointed again.")
        .WithExample("restore", "checkpoints/sheep_counter-0001.rtcr", "--ticks", "5", "--virtual-time")
        .WithExample("restore", "checkpoints/sheep_counter-0001.rtcr", "--ticks", "4", "--virtual-time", "--checkpoint-every", "2");
    config.AddCommand<ResumeCommand>("resume")
        .WithDescription("Let a component restored with 'rtcr restore --leave-stopped --control NAME' run.")
        .WithExample("resume", "sheep");
    config.AddCommand<InspectCommand>("inspect")
        .WithDescription("Show an image's sessions, RPC objects, capability space and dataspaces.")
        .WithExample("inspect", "checkpoints/sheep_counter-0001.rtcr");
    config.AddCommand<CompactCommand>("compact")
        .WithDescription("Fold an image chain (full image plus deltas) into one full image.")
        .WithExample("compact", "checkpoints/memory_writer-0005.rtcr");
    config.AddCommand<DemoCommand>("demo")
        .WithDescription("Run sheep_counter for a few ticks in virtual time.");
    config.SetExceptionHandler((ex, _) =>
    {
        AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {ex.Message}");
        if (Rtcr.Host.OptionSuggestion.For(ex.Message) is { } hint) AnsiConsole.MarkupLineInterpolated($"[yellow]hint:[/] {hint}");
        for (var inner = ex.InnerException; inner is not null; inner = inner.InnerException)
            AnsiConsole.MarkupLineInterpolated($"[red]  caused by:[/] {inner.Message}");
        return 1;
    });
});
return app.Run(args);
