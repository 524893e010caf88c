using Grpc.Core;
using Rtcr.Node.Protos;
using Rtcr.Node.Transport;

namespace Rtcr.Node.Tests.Harness;

/// <summary>Drives a migration through the source agent's API and collects what it reports.</summary>
internal static class Migrations
{
    public sealed record Result(MigrationSummary Summary, IReadOnlyList<RoundStats> Rounds, IReadOnlyList<string> Phases);

    public static async Task<Result> RunAsync(NodeConnection source, MigrateRequest request)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cancel.CancelAfter(NodeProcess.Patience);
        using var call = source.Client.Migrate(request, cancellationToken: cancel.Token);
        var rounds = new List<RoundStats>();
        var phases = new List<string>();
        MigrationSummary? summary = null;
        await foreach (var e in call.ResponseStream.ReadAllAsync(cancel.Token))
        {
            if (e.EventCase == MigrationEvent.EventOneofCase.Round) rounds.Add(e.Round);
            if (e.EventCase == MigrationEvent.EventOneofCase.Phase) phases.Add(e.Phase);
            if (e.EventCase == MigrationEvent.EventOneofCase.Summary) summary = e.Summary;
        }
        Assert.NotNull(summary);
        return new Result(summary, rounds, phases);
    }

    /// <summary>sheep_counter as the migration tests run it: a line every 40 ms, from 1.</summary>
    public const string FastSheep = "<config start=\"1\" interval_ms=\"40\"/>";

    /// <summary>Starts <see cref="FastSheep"/> on <paramref name="node"/> and waits until it printed <paramref name="lines"/> lines.</summary>
    public static async Task StartSheepAsync(NodeConnection node, NodeProcess process, int lines, bool tracked = false)
    {
        await StartAsync(node, new StartRequest { Program = "sheep_counter", Config = FastSheep, Tracked = tracked });
        NodeProcess.WaitUntil(() => process.Sheep().Count >= lines, $"{lines} sheep on {process.Name}");
    }

    public static async Task<ComponentInfo> StartAsync(NodeConnection node, StartRequest request) =>
        await node.Client.StartAsync(request, deadline: DateTime.UtcNow + NodeProcess.Patience, cancellationToken: TestContext.Current.CancellationToken);

    public static async Task<IReadOnlyList<ComponentInfo>> ListAsync(NodeConnection node) =>
        (await node.Client.ListAsync(new ListRequest(), deadline: DateTime.UtcNow + NodeProcess.Patience, cancellationToken: TestContext.Current.CancellationToken)).Components;
}
