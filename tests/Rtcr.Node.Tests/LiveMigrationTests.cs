using Grpc.Core;
using Rtcr.Image;
using Rtcr.Node.Protos;
using Rtcr.Node.Tests.Harness;
using Rtcr.Node.Transport;
using Rtcr.Samples;
using Rtcr.Sessions;

namespace Rtcr.Node.Tests;

/// <summary>Live (pre-copy) migration of memory_writer under write load between two agent processes.</summary>
public sealed class LiveMigrationTests
{
    // 512 pages, every page rewritten about 100 times a second: each pre-copy round finds them dirty again.
    private const string StampWriter = "<config working_set=\"2M\" pattern=\"stamp\" rate=\"50000\" interval_ms=\"50\" seed=\"1\"/>";

    [Fact]
    public async Task Memory_writer_under_write_load_passes_the_stamp_check_and_equals_the_paused_source()
    {
        using var cluster = new Cluster();
        var a = cluster.Start("a");
        var b = cluster.Start("b");
        using var ca = a.Connect(cluster.Token);
        using var cb = b.Connect(cluster.Token);
        await Migrations.StartAsync(ca, new StartRequest { Program = "memory_writer", Config = StampWriter, Tracked = true });
        a.WaitForLine(l => l.Contains("[memory_writer] tick 3:", StringComparison.Ordinal), "3 ticks on a");

        var result = await Migrations.RunAsync(ca, new MigrateRequest { Component = "memory_writer", Target = b.Address, Live = true, MaxRounds = 3, MaxDowntimeMs = 0.001 });

        var rounds = result.Rounds;
        Assert.True(rounds.Count >= 2, $"expected pre-copy rounds and a final one, got {rounds.Count}");
        Assert.False(rounds[0].IsDelta);
        Assert.All(rounds.Skip(1), r => Assert.True(r.IsDelta));
        Assert.True(rounds[^1].Final);
        Assert.All(rounds.SkipLast(1), r => Assert.True(r.DirtyBytes > 0, "the writer dirties memory during every round"));
        Assert.Equal(rounds.Count, result.Summary.Rounds);
        Assert.Equal(rounds.Sum(r => r.BytesSent), result.Summary.BytesSent);
        // Deltas carry only dirty blocks: less than the full image of round 1.
        Assert.All(rounds.Skip(1), r => Assert.True(r.BytesSent <= rounds[0].BytesSent));
        Assert.Equal(result.Summary.SourceDigest, result.Summary.TargetDigest);
        Assert.StartsWith("ok:", result.Summary.StampCheck);
        Assert.True(result.Summary.Confirmed);
        Assert.True(result.Summary.DowntimeMs > 0 && result.Summary.DowntimeMs <= result.Summary.TotalMs);

        // It goes on writing on b, and a checkpoint taken there later still passes the stamp check,
        // checked here in the test process from the streamed-out image.
        int ticks = b.Lines.Count(l => l.Contains("[memory_writer] tick", StringComparison.Ordinal));
        NodeProcess.WaitUntil(() => b.Lines.Count(l => l.Contains("[memory_writer] tick", StringComparison.Ordinal)) >= ticks + 3, "3 ticks on b");
        var stamp = await StampOfStreamedImageAsync(cb, "memory_writer");
        Assert.True(stamp.Ok, stamp.ToString());
        Assert.True(stamp.Count > 0);
        Assert.Empty(await Migrations.ListAsync(ca));
    }

    private static async Task<StampResult> StampOfStreamedImageAsync(NodeConnection node, string component)
    {
        var assembler = new ImageAssembler();
        using (var call = node.Client.StreamImage(new ComponentRef { Name = component }, deadline: DateTime.UtcNow + NodeProcess.Patience, cancellationToken: TestContext.Current.CancellationToken))
            await foreach (var chunk in call.ResponseStream.ReadAllAsync(TestContext.Current.CancellationToken))
                assembler.Add(chunk);
        var image = ImageReader.Read(new MemoryStream(assembler.Result()), "streamed image", SessionRecorders.Schema);
        using var host = new ComponentHost(startMicroseconds: image.Manifest.ClockMicroseconds);
        var child = host.Restore(image, SampleCatalog.Create, tracking: null, leaveStopped: true);
        return StampCheck.Verify(child) ?? throw new InvalidOperationException("not a stamp writer");
    }
}
