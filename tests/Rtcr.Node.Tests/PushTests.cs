using Rtcr.Node.Protos;
using Rtcr.Node.Tests.Harness;

namespace Rtcr.Node.Tests;

/// <summary><c>rtcr push</c>: an image file sent to a node and restored there.</summary>
public sealed class PushTests
{
    [Fact]
    public async Task A_pushed_image_runs_on_the_node_from_where_it_was_checkpointed_and_a_damaged_one_is_refused()
    {
        using var cluster = new Cluster();
        var a = cluster.Start("a");
        var b = cluster.Start("b");
        using var ca = a.Connect(cluster.Token);
        using var cb = b.Connect(cluster.Token);
        await Migrations.StartSheepAsync(ca, a, 3);
        var checkpoint = await ca.Client.CheckpointAsync(new ComponentRef { Name = "sheep_counter" }, deadline: DateTime.UtcNow + NodeProcess.Patience, cancellationToken: TestContext.Current.CancellationToken);
        await ca.Client.StopAsync(new ComponentRef { Name = "sheep_counter" }, cancellationToken: TestContext.Current.CancellationToken);
        var onA = a.Sheep();

        // A damaged copy is refused before anything is sent; the node is left as it was.
        var bytes = File.ReadAllBytes(checkpoint.Path);
        bytes[bytes.Length / 2] ^= 0x5A;
        string damaged = Path.Combine(cluster.Dir, "damaged.rtcr");
        File.WriteAllBytes(damaged, bytes);
        var refused = Cli.Run("push", damaged, "--to", b.Address, "--token-file", cluster.TokenFile, "--plain");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Empty(await Migrations.ListAsync(cb));

        var push = Cli.Run("push", checkpoint.Path, "--to", b.Address, "--name", "sheep", "--token-file", cluster.TokenFile, "--plain");
        Assert.True(push.ExitCode == 0, push.ToString());
        Assert.Contains("sheep (sheep_counter) running", push.Stdout);
        NodeProcess.WaitUntil(() => b.Sheep("sheep").Count >= 3, "3 sheep on b");
        var onB = b.Sheep("sheep");
        // It continues from the checkpoint: a count of consecutive lines starting after one a printed.
        Assert.Equal(Enumerable.Range((int)onB[0], onB.Count).Select(i => (long)i), onB);
        Assert.InRange(onB[0], 2, onA[^1] + 1);
        Assert.Equal("running", Assert.Single(await Migrations.ListAsync(cb)).State);
    }
}
