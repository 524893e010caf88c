using System.ComponentModel;
using Grpc.Core;
using Rtcr.Node.Protos;
using Rtcr.Node.Transport;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Rtcr.Host.Commands.Nodes;

/// <summary><c>rtcr logs</c>: follows the LOG lines of components on several nodes, labelled with the node.</summary>
internal sealed class LogsCommand : AsyncCommand<LogsCommand.Settings>
{
    internal sealed class Settings : NodeListSettings
    {
        [CommandOption("--component <NAME>")]
        [Description("Only this component (it is followed from node to node when it migrates).")]
        public string? Component { get; init; }

        [CommandOption("--for <DURATION>")]
        [Description("Stop after this long (default: until interrupted).")]
        public string? For { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (settings.For is not null) stop.CancelAfter(TimeSpan.FromMicroseconds(Duration.ParseMicroseconds(settings.For, "--for")));
        var connections = settings.Nodes.Select(n => settings.Connect(n)).ToArray();
        try
        {
            await Task.WhenAll(connections.Select(c => FollowAsync(c, settings, stop.Token)));
        }
        finally
        {
            foreach (var c in connections) c.Dispose();
        }
        return 0;
    }

    private static async Task FollowAsync(NodeConnection node, Settings settings, CancellationToken cancel)
    {
        try
        {
            using var call = node.Client.StreamLogs(new LogRequest { Component = settings.Component ?? "" }, cancellationToken: cancel);
            await foreach (var line in call.ResponseStream.ReadAllAsync(cancel)) Print(line, settings.Plain);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && cancel.IsCancellationRequested)
        {
            // --for ran out or the user interrupted.
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // Same, noticed between two lines.
        }
    }

    /// <summary>Prints a LOG line labelled with its node and component.</summary>
    public static void Print(LogLine line, bool plain)
    {
        if (plain) Console.WriteLine($"[{line.Node}] [{line.Component}] {line.Text}");
        else AnsiConsole.MarkupLineInterpolated($"[blue][[{line.Node}]][/] [grey][[{line.Component}]][/] {line.Text}");
    }
}
