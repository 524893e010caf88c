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

    public static async Task<ComponentInfo> StartAsync(NodeConnection node, StartRequest request) =>
        await node.Client.StartAsync(request, deadline: DateTime.UtcNow + NodeProcess.Patience, cancellationToken: TestContext.Current.CancellationToken);

    public static async Task<IReadOnlyList<ComponentInfo>> ListAsync(NodeConnection node) =>
        (await node.Client.ListAsync(new ListRequest(), deadline: DateTime.UtcNow + NodeProcess.Patience, cancellationToken: TestContext.Current.CancellationToken)).Components;
}
