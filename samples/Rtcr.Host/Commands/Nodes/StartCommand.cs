using System.ComponentModel;
using Rtcr.Node.Protos;
using Rtcr.Node.Transport;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Rtcr.Host.Commands.Nodes;

/// <summary><c>rtcr start</c>: starts a component on a node agent.</summary>
internal sealed class StartCommand : AsyncCommand<StartCommand.Settings>
{
    internal sealed class Settings : NodeClientSettings
    {
        [CommandArgument(0, "<program>")]
        [Description("sheep_counter or memory_writer.")]
        public string Program { get; init; } = "";

        [CommandOption("--on <NODE>")]
        [Description("The node agent's address (host:port).")]
        public string On { get; init; } = "";

        [CommandOption("--name <NAME>")]
        [Description("Instance name, unique on the node (default: the program's name).")]
        public string? Name { get; init; }

        [CommandOption("--config <FILE>")]
        [Description("Content of the ROM module 'config' (default: the program's built-in config).")]
        public string? Config { get; init; }

        [CommandOption("--tracked")]
        [Description("Track the component's RAM, so that it can be migrated live.")]
        public bool Tracked { get; init; }

        [CommandOption("--ram-quota <SIZE>")]
        [Description("RAM quota (default 256M); a working set near or above 256M needs more.")]
        public string? RamQuota { get; init; }

        public override ValidationResult Validate() =>
            On.Length == 0 ? ValidationResult.Error("--on <NODE> is required") : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var node = settings.Connect(settings.On);
        var info = await node.Client.StartAsync(new StartRequest
        {
            Program = settings.Program,
            Name = settings.Name ?? "",
            Config = settings.Config is null ? "" : File.ReadAllText(settings.Config),
            Tracked = settings.Tracked,
            RamQuota = settings.RamQuota is null ? 0
                : ByteSize.TryParse(settings.RamQuota, out long quota) && quota > 0 ? quota : throw new ArgumentException($"--ram-quota: '{settings.RamQuota}' is not a size"),
        }, cancellationToken: cancellationToken);
        AnsiConsole.MarkupLineInterpolated($"started [bold]{info.Name}[/] ({info.Program}) on node {info.Node}{(info.Tracked ? ", tracked" : "")}");
        return 0;
    }
}
