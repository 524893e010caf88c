using System.ComponentModel;
using System.Globalization;
using Grpc.Core;
using Rtcr.Node.Protos;
using Rtcr.Node.Transport;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Rtcr.Host.Commands.Nodes;

/// <summary><c>rtcr nodes</c>: which node agents answer, with their names and component counts.</summary>
internal sealed class NodesCommand : AsyncCommand<PsCommand.Settings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, PsCommand.Settings settings, CancellationToken cancellationToken)
    {
        var table = new Table().AddColumns("address", "name", "components", "uptime", "status");
        int failed = 0;
        foreach (var address in settings.Nodes)
        {
            using var node = settings.Connect(address);
            try
            {
                var info = await node.Client.GetInfoAsync(new InfoRequest(), deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: cancellationToken);
                table.AddRow(Markup.Escape(node.Address), Markup.Escape(info.Name), info.Components.ToString(CultureInfo.InvariantCulture),
                    TimeSpan.FromMilliseconds(info.UptimeMs).ToString(@"d\.hh\:mm\:ss", CultureInfo.InvariantCulture), "[green]up[/]");
            }
            catch (RpcException ex)
            {
                failed++;
                table.AddRow(Markup.Escape(node.Address), "", "", "", $"[red]{Markup.Escape(ex.Status.StatusCode + ": " + ex.Status.Detail)}[/]");
            }
        }
        AnsiConsole.Write(table);
        return failed == 0 ? 0 : 1;
    }
}
