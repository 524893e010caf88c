using Grpc.Core;
using Rtcr.Node.Protos;
using Rtcr.Node.Tests.Harness;
using Rtcr.Node.Transport;

namespace Rtcr.Node.Tests;

/// <summary>An agent refuses clients without the shared token, and never runs without one.</summary>
public sealed class TokenTests
{
    [Fact]
    public async Task A_client_without_the_token_or_with_a_wrong_one_is_refused_and_changes_nothing()
    {
        using var cluster = new Cluster();
        var a = cluster.Start("a");
        using var good = a.Connect(cluster.Token);
        using var none = a.Connect(null);
        using var wrong = a.Connect(new NodeToken("not-the-cluster-token-0000"));
        var cancel = TestContext.Current.CancellationToken;

        foreach (var client in new[] { none, wrong })
        {
            var list = await Assert.ThrowsAsync<RpcException>(async () => await client.Client.ListAsync(new ListRequest(), cancellationToken: cancel));
            Assert.Equal(StatusCode.Unauthenticated, list.StatusCode);
            var start = await Assert.ThrowsAsync<RpcException>(async () => await client.Client.StartAsync(new StartRequest { Program = "sheep_counter" }, cancellationToken: cancel));
            Assert.Equal(StatusCode.Unauthenticated, start.StatusCode);
            var outcome = await Assert.ThrowsAsync<RpcException>(async () => await client.Client.MigrationOutcomeAsync(new MigrationRef { MigrationId = "x" }, cancellationToken: cancel));
            Assert.Equal(StatusCode.Unauthenticated, outcome.StatusCode);
        }
        Assert.Empty(await Migrations.ListAsync(good));

        // A refused migrate pauses nothing: the component runs on.
        await Migrations.StartAsync(good, new StartRequest { Program = "sheep_counter", Config = "<config start=\"1\" interval_ms=\"40\"/>" });
        var migrate = await Assert.ThrowsAsync<RpcException>(() => Migrations.RunAsync(none, new MigrateRequest { Component = "sheep_counter", Target = a.Address }));
        Assert.Equal(StatusCode.Unauthenticated, migrate.StatusCode);
        Assert.Equal("running", Assert.Single(await Migrations.ListAsync(good)).State);
    }

    [Fact]
    public async Task A_target_with_another_token_refuses_the_source_before_the_component_pauses()
    {
        using var cluster = new Cluster();
        using var other = new Cluster();
        var a = cluster.Start("a");
        var b = other.Start("b");
        using var ca = a.Connect(cluster.Token);
        await Migrations.StartAsync(ca, new StartRequest { Program = "sheep_counter", Config = "<config start=\"1\" interval_ms=\"40\"/>" });
        var ex = await Assert.ThrowsAsync<RpcException>(() => Migrations.RunAsync(ca, new MigrateRequest { Component = "sheep_counter", Target = b.Address }));
        Assert.Equal(StatusCode.Aborted, ex.StatusCode);
        Assert.Contains("Unauthenticated", ex.Status.Detail);
        Assert.Equal("running", Assert.Single(await Migrations.ListAsync(ca)).State);
        int before = a.Sheep().Count;
        NodeProcess.WaitUntil(() => a.Sheep().Count > before, "a to keep counting");
    }

    [Fact]
    public void An_agent_does_not_start_without_a_token_file_or_with_a_short_token()
    {
        var none = Cli.Run("node", "--listen", "127.0.0.1:0");
        Assert.NotEqual(0, none.ExitCode);
        Assert.Contains("--token-file is required", none.Stdout + none.Stderr);

        string shortToken = Path.GetTempFileName();
        try
        {
            File.WriteAllText(shortToken, "abc");
            var tooShort = Cli.Run("node", "--listen", "127.0.0.1:0", "--token-file", shortToken);
            Assert.NotEqual(0, tooShort.ExitCode);
            Assert.Contains("at least 16 characters", tooShort.Stdout + tooShort.Stderr);
        }
        finally
        {
            File.Delete(shortToken);
        }
    }
}
