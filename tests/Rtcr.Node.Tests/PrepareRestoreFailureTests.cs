using Grpc.Core;
using Rtcr.Node.Protos;
using Rtcr.Node.Tests.Harness;

namespace Rtcr.Node.Tests;

/// <summary>
/// The connection breaks, or the target dies, while <c>PrepareRestore</c> runs: the target has restored the
/// component frozen (and recorded it prepared on disk), the source never hears so. The source aborts and its
/// copy runs on unharmed; the target's copy is discarded once it learns the outcome, and never runs
/// (docs/migration.md, failure cases).
/// </summary>
public sealed class PrepareRestoreFailureTests
{
    private static void AssertOneCount(IReadOnlyList<long> sheep) =>
        Assert.Equal(Enumerable.Range(1, sheep.Count).Select(i => (long)i), sheep);

    [Fact]
    public async Task A_connection_broken_during_PrepareRestore_aborts_and_the_target_discards_its_copy_after_asking()
    {
        using var cluster = new Cluster();
        var a = cluster.Start("a");
        // b restores and records "prepared", then holds its answer while the test cuts the connection.
        var b = cluster.Start("b", "--fault", "delay-prepare-ms:3000", "--lease", "300ms");
        using var proxy = new TcpProxy(b.Port);
        using var ca = a.Connect(cluster.Token);
        using var cb = b.Connect(cluster.Token);
        await Migrations.StartSheepAsync(ca, a, 3);

        var migration = Migrations.RunAsync(ca, new MigrateRequest { Component = "sheep_counter", Target = proxy.Address });
        NodeProcess.WaitUntil(() => b.Errors.Contains("holds its PrepareRestore answer", StringComparison.Ordinal), "b to restore and hold its answer");
        Assert.Equal("prepared", Assert.Single(await Migrations.ListAsync(cb)).State);
        proxy.Cut();

        var ex = await Assert.ThrowsAsync<RpcException>(() => migration);
        Assert.Equal(StatusCode.Aborted, ex.StatusCode);
        // a could not tell b to discard (the network is down); b asks a after its lease, hears aborted.
        NodeProcess.WaitUntil(() => b.Errors.Contains("source says aborted", StringComparison.Ordinal), "b to ask a and hear aborted");
        NodeProcess.WaitUntil(() => b.Errors.Contains("discarded on node 'b'", StringComparison.Ordinal), "b to discard its copy");
        Assert.Empty(await Migrations.ListAsync(cb));
        Assert.Empty(b.Sheep());
        Assert.Empty(Directory.EnumerateDirectories(Path.Combine(b.Images, "incoming")));

        Assert.Equal("running", Assert.Single(await Migrations.ListAsync(ca)).State);
        int before = a.Sheep().Count;
        NodeProcess.WaitUntil(() => a.Sheep().Count >= before + 3, "3 more sheep on a after the failed migration");
        AssertOneCount(a.Sheep());
    }

    [Fact]
    public async Task A_target_killed_during_PrepareRestore_leaves_the_source_running_and_discards_its_copy_when_it_restarts()
    {
        using var cluster = new Cluster();
        var a = cluster.Start("a");
        var b = cluster.Start("b", "--fault", "kill-in-prepare");
        using var ca = a.Connect(cluster.Token);
        await Migrations.StartSheepAsync(ca, a, 3);

        var ex = await Assert.ThrowsAsync<RpcException>(() => Migrations.RunAsync(ca, new MigrateRequest { Component = "sheep_counter", Target = b.Address }));
        Assert.Equal(StatusCode.Aborted, ex.StatusCode);
        Assert.True(b.WaitForExit(NodeProcess.Patience), "the target should have killed itself");
        Assert.Equal("running", Assert.Single(await Migrations.ListAsync(ca)).State);
        // b died with the component restored and "prepared" on its disk.
        Assert.Single(Directory.EnumerateDirectories(Path.Combine(b.Images, "incoming")));

        // Restarted, b restores the prepared copy frozen, asks a at once, hears aborted and discards it.
        var b2 = cluster.Restart(b, "--lease", "300ms");
        using var cb2 = b2.Connect(cluster.Token);
        NodeProcess.WaitUntil(() => b2.Errors.Contains("source says aborted", StringComparison.Ordinal), "the restarted b to hear aborted");
        NodeProcess.WaitUntil(() => !Directory.EnumerateDirectories(Path.Combine(b2.Images, "incoming")).Any(), "b to drop the migration");
        Assert.Contains("recovered frozen", b2.Errors);
        Assert.Empty(await Migrations.ListAsync(cb2));
        Assert.Empty(b2.Sheep());

        int before = a.Sheep().Count;
        NodeProcess.WaitUntil(() => a.Sheep().Count >= before + 3, "3 more sheep on a after the failed migration");
        AssertOneCount(a.Sheep());
    }
}
