using Rtcr.Host.Commands;
using Rtcr.Host.Commands.Nodes;
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
    config.AddCommand<NodeCommand>("node")
        .WithDescription("Run a node agent: hosts components and serves the gRPC API for migration.")
        .WithExample("node", "--listen", "127.0.0.1:7001", "--name", "a", "--token-file", "cluster.token");
    config.AddCommand<StartCommand>("start")
        .WithDescription("Start a component on a node agent.")
        .WithExample("start", "sheep_counter", "--on", "127.0.0.1:7001", "--token-file", "cluster.token");
    config.AddCommand<PushCommand>("push")
        .WithDescription("Send an image file (a chain is folded first) to a node agent and restore it there, running.")
        .WithExample("push", "checkpoints/sheep_counter-0003.rtcr", "--to", "127.0.0.1:7002", "--token-file", "cluster.token");
    config.AddCommand<MigrateCommand>("migrate")
        .WithDescription("Move a component from one node agent to another, cold or live (pre-copy).")
        .WithExample("migrate", "memory_writer", "--from", "127.0.0.1:7001", "--to", "127.0.0.1:7002", "--live", "--max-downtime", "20ms", "--token-file", "cluster.token");
    config.AddCommand<NodesCommand>("nodes")
        .WithDescription("List node agents: name, component count, uptime.")
        .WithExample("nodes", "--node", "127.0.0.1:7001", "--node", "127.0.0.1:7002", "--token-file", "cluster.token");
    config.AddCommand<PsCommand>("ps")
        .WithDescription("List the components of node agents.")
        .WithExample("ps", "--node", "127.0.0.1:7001", "--node", "127.0.0.1:7002", "--token-file", "cluster.token");
    config.AddCommand<LogsCommand>("logs")
        .WithDescription("Follow LOG lines of components on node agents, labelled with the node.")
        .WithExample("logs", "--node", "127.0.0.1:7001", "--node", "127.0.0.1:7002", "--token-file", "cluster.token");
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
