using Grpc.Core;
using Rtcr.Node.Protos;
using Rtcr.Node.Tests.Harness;

namespace Rtcr.Node.Tests;

/// <summary>Cold migration between two agent processes on loopback, and each way it can fail.</summary>
public sealed class ColdMigrationTests
{
    [Fact]
    public async Task Sheep_counter_continues_its_count_on_the_target_with_no_missing_or_repeated_line()
    {
        using var cluster = new Cluster();
        var a = cluster.Start("a");
        var b = cluster.Start("b");
        using var ca = a.Connect(cluster.Token);
        using var cb = b.Connect(cluster.Token);
        await Migrations.StartSheepAsync(ca, a, 5);

        // Through the CLI, as an operator would.
        var migrate = Cli.Run("migrate", "sheep_counter", "--from", a.Address, "--to", b.Address, "--token-file", cluster.TokenFile, "--plain");
        Assert.True(migrate.ExitCode == 0, migrate.ToString());
        Assert.Contains("memory=match", migrate.Stdout);
        Assert.Contains("confirmed=true", migrate.Stdout);

        NodeProcess.WaitUntil(() => b.Sheep().Count >= 5, "5 sheep on b");
        var onA = a.Sheep();
        var onB = b.Sheep();
        var all = onA.Concat(onB).ToArray();
        Assert.Equal(Enumerable.Range(1, all.Length).Select(i => (long)i), all);
        Assert.Empty(await Migrations.ListAsync(ca));
        var moved = Assert.Single(await Migrations.ListAsync(cb));
        Assert.Equal("running", moved.State);
        // The source copy is gone, not merely quiet: a no longer logs it.
        NodeProcess.WaitUntil(() => b.Sheep().Count >= onB.Count + 3, "3 more sheep on b");
        Assert.Equal(onA.Count, a.Sheep().Count);
    }

    [Fact]
    public async Task Killing_the_target_mid_stream_leaves_the_source_running_unharmed()
    {
        using var cluster = new Cluster();
        var a = cluster.Start("a");
        var b = cluster.Start("b", "--fault", "kill-after-chunks:2");
        using var ca = a.Connect(cluster.Token);
        await Migrations.StartSheepAsync(ca, a, 3);

        // Small chunks so that the image takes several; the target dies at the second.
        var ex = await Assert.ThrowsAsync<RpcException>(() => Migrations.RunAsync(ca, new MigrateRequest { Component = "sheep_counter", Target = b.Address, ChunkBytes = 512 }));
        Assert.Equal(StatusCode.Aborted, ex.StatusCode);
        Assert.True(b.WaitForExit(NodeProcess.Patience), "the target should have killed itself");

        var info = Assert.Single(await Migrations.ListAsync(ca));
        Assert.Equal("running", info.State);
        int before = a.Sheep().Count;
        NodeProcess.WaitUntil(() => a.Sheep().Count >= before + 3, "3 more sheep on a after the failed migration");
        var sheep = a.Sheep();
        Assert.Equal(Enumerable.Range(1, sheep.Count).Select(i => (long)i), sheep);
    }

    [Fact]
    public async Task A_corrupted_chunk_is_detected_and_nothing_runs_on_the_target()
    {
        using var cluster = new Cluster();
        var a = cluster.Start("a", "--fault", "corrupt-chunk:2");
        var b = cluster.Start("b");
        using var ca = a.Connect(cluster.Token);
        using var cb = b.Connect(cluster.Token);
        await Migrations.StartSheepAsync(ca, a, 3);

        var ex = await Assert.ThrowsAsync<RpcException>(() => Migrations.RunAsync(ca, new MigrateRequest { Component = "sheep_counter", Target = b.Address, ChunkBytes = 512 }));
        Assert.Equal(StatusCode.Aborted, ex.StatusCode);
        Assert.Contains("checksum mismatch", ex.Status.Detail);
        Assert.Empty(await Migrations.ListAsync(cb));
        Assert.Equal("running", Assert.Single(await Migrations.ListAsync(ca)).State);
        int before = a.Sheep().Count;
        NodeProcess.WaitUntil(() => a.Sheep().Count >= before + 3, "3 more sheep on a");
        Assert.Empty(b.Sheep());

        // The fault hit one chunk only: the next attempt goes through and the count carries on.
        var result = await Migrations.RunAsync(ca, new MigrateRequest { Component = "sheep_counter", Target = b.Address, ChunkBytes = 512 });
        Assert.Equal(result.Summary.SourceDigest, result.Summary.TargetDigest);
        NodeProcess.WaitUntil(() => b.Sheep().Count >= 3, "3 sheep on b");
        var all = a.Sheep().Concat(b.Sheep()).ToArray();
        Assert.Equal(Enumerable.Range(1, all.Length).Select(i => (long)i), all);
    }

    [Fact]
    public async Task A_lost_commit_is_resolved_by_the_target_asking_the_source()
    {
        using var cluster = new Cluster();
        var a = cluster.Start("a", "--fault", "drop-commit");
        var b = cluster.Start("b", "--lease", "500ms");
        using var ca = a.Connect(cluster.Token);
        using var cb = b.Connect(cluster.Token);
        await Migrations.StartSheepAsync(ca, a, 3);

        var result = await Migrations.RunAsync(ca, new MigrateRequest { Component = "sheep_counter", Target = b.Address });
        Assert.False(result.Summary.Confirmed);
        // Neither copy ran in between: a stopped its copy, b holds its own frozen until it learns the decision.
        NodeProcess.WaitUntil(() => b.Sheep().Count >= 3, "b to resume after asking a");
        Assert.Contains("source says committed", b.Errors);
        var all = a.Sheep().Concat(b.Sheep()).ToArray();
        Assert.Equal(Enumerable.Range(1, all.Length).Select(i => (long)i), all);
        Assert.Equal("running", Assert.Single(await Migrations.ListAsync(cb)).State);
    }

    [Fact]
    public async Task Pre_copy_rounds_longer_than_the_target_lease_keep_the_received_images()
    {
        using var cluster = new Cluster();
        // The source waits 1.5 s before each further image; the target's lease is 300 ms. The target
        // must ask the source (pending) instead of dropping what it has.
        var a = cluster.Start("a", "--fault", "delay-images-ms:1500");
        var b = cluster.Start("b", "--lease", "300ms");
        using var ca = a.Connect(cluster.Token);
        await Migrations.StartSheepAsync(ca, a, 3, tracked: true);

        var result = await Migrations.RunAsync(ca, new MigrateRequest { Component = "sheep_counter", Target = b.Address, Live = true, MaxRounds = 2, MaxDowntimeMs = 0.001 });
        Assert.Equal(3, result.Summary.Rounds);
        Assert.Equal(result.Summary.SourceDigest, result.Summary.TargetDigest);
        Assert.Contains("the source says pending: received images kept", b.Errors);
        NodeProcess.WaitUntil(() => b.Sheep().Count >= 3, "3 sheep on b");
        var all = a.Sheep().Concat(b.Sheep()).ToArray();
        Assert.Equal(Enumerable.Range(1, all.Length).Select(i => (long)i), all);
    }

    [Fact]
    public async Task Killing_the_migrate_client_before_the_decision_aborts_and_the_source_runs_on()
    {
        using var cluster = new Cluster();
        var a = cluster.Start("a", "--fault", "delay-images-ms:5000");
        var b = cluster.Start("b");
        using var ca = a.Connect(cluster.Token);
        using var cb = b.Connect(cluster.Token);
        await Migrations.StartSheepAsync(ca, a, 3, tracked: true);

        // The source sends the full image, then waits 5 s before the next round: kill the CLI then.
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "rtcr.dll"), "migrate", "sheep_counter", "--from", a.Address, "--to", b.Address, "--live", "--max-rounds", "5", "--max-downtime", "1us", "--token-file", cluster.TokenFile, "--plain" })
            psi.ArgumentList.Add(arg);
        using var cli = System.Diagnostics.Process.Start(psi)!;
        try
        {
            string? line;
            do line = await cli.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(NodeProcess.Patience, TestContext.Current.CancellationToken);
            while (line is not null && !line.StartsWith("round 1", StringComparison.Ordinal));
            Assert.NotNull(line);
        }
        finally
        {
            cli.Kill(entireProcessTree: true);
            await cli.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        NodeProcess.WaitUntil(() => a.Errors.Contains("aborted, 'sheep_counter' still runs on node 'a'", StringComparison.Ordinal), "a to abort the migration");
        Assert.Equal("running", Assert.Single(await Migrations.ListAsync(ca)).State);
        NodeProcess.WaitUntil(() => b.Errors.Contains("discarded on node 'b'", StringComparison.Ordinal), "b to discard the received images");
        Assert.Empty(await Migrations.ListAsync(cb));
        int before = a.Sheep().Count;
        NodeProcess.WaitUntil(() => a.Sheep().Count >= before + 3, "3 more sheep on a");
        var sheep = a.Sheep();
        Assert.Equal(Enumerable.Range(1, sheep.Count).Select(i => (long)i), sheep);
        Assert.Empty(b.Sheep());
    }
}
