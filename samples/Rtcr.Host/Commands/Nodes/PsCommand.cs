using System.ComponentModel;
using System.Globalization;
using Grpc.Core;
using Rtcr.Node.Protos;
using Rtcr.Node.Transport;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Rtcr.Host.Commands.Nodes;

/// <summary><c>rtcr ps</c>: the components of several nodes: state, memory, ticks, last checkpoint.</summary>
internal sealed class PsCommand : AsyncCommand<PsCommand.Settings>
{
    internal sealed class Settings : NodeListSettings;

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var table = new Table().AddColumns("node", "component", "program", "state", "memory", "ticks", "tracked", "last checkpoint");
        int failed = 0;
        foreach (var address in settings.Nodes)
        {
            using var node = settings.Connect(address);
            try
            {
                var reply = await node.Client.ListAsync(new ListRequest(), deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: cancellationToken);
                foreach (var c in reply.Components)
                    table.AddRow(Markup.Escape(reply.Node), Markup.Escape(c.Name), c.Program, c.State, c.MemoryBytes.ToString("N0", CultureInfo.InvariantCulture),
                        c.Ticks.ToString(CultureInfo.InvariantCulture), c.Tracked ? "yes" : "no", Markup.Escape(c.LastCheckpoint));
            }
            catch (RpcException ex)
            {
                failed++;
                table.AddRow(Markup.Escape(address), $"[red]{Markup.Escape(ex.Status.StatusCode + ": " + ex.Status.Detail)}[/]", "", "", "", "", "", "");
            }
        }
        AnsiConsole.Write(table);
        return failed == 0 ? 0 : 1;
    }
}
