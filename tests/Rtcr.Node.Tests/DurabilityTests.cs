using Grpc.Core;
using Rtcr.Node.Protos;
using Rtcr.Node.Tests.Harness;

namespace Rtcr.Node.Tests;

/// <summary>
/// A side that dies, or restarts, around the decision: whatever happens, the component runs in at most one
/// place, and when the side holding it comes back it runs there exactly once, its count continuing with no
/// missing or repeated line (docs/migration.md, failure cases).
/// </summary>
public sealed class DurabilityTests
{
    private static void AssertOneCount(params IReadOnlyList<long>[] parts)
    {
        var all = parts.SelectMany(p => p).ToArray();
        Assert.Equal(Enumerable.Range(1, all.Length).Select(i => (long)i), all);
    }

    [Fact]
    public async Task A_target_that_dies_after_the_decision_runs_the_component_exactly_once_when_it_restarts()
    {
        using var cluster = new Cluster();
        var a = cluster.Start("a");
        var b = cluster.Start("b", "--fault", "kill-on-commit");
        using var ca = a.Connect(cluster.Token);
        await Migrations.StartSheepAsync(ca, a, 3);

        // a decides, stops its copy and sends the commit; b dies as it arrives, before resuming.
        var result = await Migrations.RunAsync(ca, new MigrateRequest { Component = "sheep_counter", Target = b.Address });
        Assert.False(result.Summary.Confirmed);
        Assert.True(b.WaitForExit(NodeProcess.Patience));
        Assert.Empty(await Migrations.ListAsync(ca));
        Assert.Empty(b.Sheep());

        // b's image directory still holds the prepared migration: restarted, b restores it, asks a (committed), runs it.
        var b2 = cluster.Restart(b, "--lease", "500ms");
        using var cb2 = b2.Connect(cluster.Token);
        NodeProcess.WaitUntil(() => b2.Sheep().Count >= 5, "5 sheep on the restarted b");
        Assert.Contains("recovered frozen", b2.Errors);
        Assert.Contains("source says committed", b2.Errors);
        AssertOneCount(a.Sheep(), b2.Sheep());
        Assert.Equal("running", Assert.Single(await Migrations.ListAsync(cb2)).State);
        Assert.Empty(Directory.EnumerateDirectories(Path.Combine(b2.Images, "incoming")));
    }

    [Fact]
    public async Task A_source_that_dies_after_the_decision_answers_committed_when_it_restarts()
    {
        using var cluster = new Cluster();
        var a = cluster.Start("a", "--fault", "kill-after-decision");
        var b = cluster.Start("b", "--lease", "300ms");
        using var ca = a.Connect(cluster.Token);
        using var cb = b.Connect(cluster.Token);
        await Migrations.StartSheepAsync(ca, a, 3);

        await Assert.ThrowsAsync<RpcException>(() => Migrations.RunAsync(ca, new MigrateRequest { Component = "sheep_counter", Target = b.Address }));
        Assert.True(a.WaitForExit(NodeProcess.Patience));
        // b cannot reach a: its copy stays frozen (a might have been running its own).
        NodeProcess.WaitUntil(() => b.Errors.Contains("unreachable", StringComparison.Ordinal), "b to find a unreachable");
        Assert.Equal("prepared", Assert.Single(await Migrations.ListAsync(cb)).State);
        Assert.Empty(b.Sheep());

        // a's journal says committed: restarted, it tells b so when b asks.
        var a2 = cluster.Restart(a);
        using var ca2 = a2.Connect(cluster.Token);
        NodeProcess.WaitUntil(() => b.Sheep().Count >= 5, "5 sheep on b");
        Assert.Contains("source says committed", b.Errors);
        Assert.Empty(await Migrations.ListAsync(ca2));
        AssertOneCount(a.Sheep(), b.Sheep());
    }

    [Fact]
    public async Task A_source_that_dies_after_the_freeze_but_before_the_decision_rolls_forward_when_it_restarts()
    {
        using var cluster = new Cluster();
        var a = cluster.Start("a", "--fault", "kill-before-decision");
        var b = cluster.Start("b", "--lease", "300ms");
        using var ca = a.Connect(cluster.Token);
        await Migrations.StartSheepAsync(ca, a, 3);

        await Assert.ThrowsAsync<RpcException>(() => Migrations.RunAsync(ca, new MigrateRequest { Component = "sheep_counter", Target = b.Address }));
        Assert.True(a.WaitForExit(NodeProcess.Patience));
        NodeProcess.WaitUntil(() => b.Errors.Contains("unreachable", StringComparison.Ordinal), "b to find a unreachable");
        Assert.Empty(b.Sheep());

        // Undecided, but frozen for good with the whole state on b: the restarted a checks b's copy and commits.
        var a2 = cluster.Restart(a);
        NodeProcess.WaitUntil(() => b.Sheep().Count >= 5, "5 sheep on b");
        NodeProcess.WaitUntil(() => a2.Errors.Contains("committed after the source restarted", StringComparison.Ordinal), "a to roll forward");
        AssertOneCount(a.Sheep(), b.Sheep());
    }

    [Fact]
    public async Task A_source_that_dies_during_pre_copy_aborts_when_it_restarts_and_the_target_drops_its_images()
    {
        using var cluster = new Cluster();
        var a = cluster.Start("a", "--fault", "delay-images-ms:60000");
        var b = cluster.Start("b", "--lease", "300ms");
        using var ca = a.Connect(cluster.Token);
        using var cb = b.Connect(cluster.Token);
        await Migrations.StartSheepAsync(ca, a, 3, tracked: true);

        var migration = Migrations.RunAsync(ca, new MigrateRequest { Component = "sheep_counter", Target = b.Address, Live = true, MaxRounds = 5, MaxDowntimeMs = 0.001 });
        // Round 1 (the full image) is on b's disk; a waits before round 2. Kill a there, like a crash.
        NodeProcess.WaitUntil(() => Directory.Exists(Path.Combine(b.Images, "incoming")) && Directory.EnumerateFiles(Path.Combine(b.Images, "incoming"), "image-0000.rtcr", SearchOption.AllDirectories).Any(), "image 0 on b's disk");
        a.Kill();
        await Assert.ThrowsAsync<RpcException>(() => migration);
        NodeProcess.WaitUntil(() => b.Errors.Contains("received images kept", StringComparison.Ordinal), "b to keep the images while a is unreachable");

        // The component died with a while it ran; the restarted a knows the migration never froze it: aborted.
        var a2 = cluster.Restart(a);
        NodeProcess.WaitUntil(() => a2.Errors.Contains("aborted (the component died with that process)", StringComparison.Ordinal), "a to abort");
        NodeProcess.WaitUntil(() => !Directory.EnumerateDirectories(Path.Combine(b.Images, "incoming")).Any(), "b to drop the images");
        Assert.Empty(await Migrations.ListAsync(cb));
        Assert.Empty(b.Sheep());
    }

    [Fact]
    public async Task Killing_the_migrate_client_after_the_decision_lets_the_migration_complete()
    {
        using var cluster = new Cluster();
        var a = cluster.Start("a", "--fault", "delay-commit-ms:3000");
        var b = cluster.Start("b");
        using var ca = a.Connect(cluster.Token);
        using var cb = b.Connect(cluster.Token);
        await Migrations.StartSheepAsync(ca, a, 3);

        var psi = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "rtcr.dll"), "migrate", "sheep_counter", "--from", a.Address, "--to", b.Address, "--token-file", cluster.TokenFile, "--plain" })
            psi.ArgumentList.Add(arg);
        using var cli = System.Diagnostics.Process.Start(psi)!;
        try
        {
            string? line;
            do line = await cli.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(NodeProcess.Patience, TestContext.Current.CancellationToken);
            while (line is not null && !line.Contains("decided: committed", StringComparison.Ordinal));
            Assert.NotNull(line);
        }
        finally
        {
            cli.Kill(entireProcessTree: true);
            await cli.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        NodeProcess.WaitUntil(() => b.Sheep().Count >= 5, "5 sheep on b");
        Assert.Empty(await Migrations.ListAsync(ca));
        Assert.Equal("running", Assert.Single(await Migrations.ListAsync(cb)).State);
        AssertOneCount(a.Sheep(), b.Sheep());
    }
}
