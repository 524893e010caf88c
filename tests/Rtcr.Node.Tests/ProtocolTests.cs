using Rtcr.Node.Agent;
using Rtcr.Node.Migration;

namespace Rtcr.Node.Tests;

/// <summary>The pieces of the migration protocol that decide: outcomes, the pre-copy planner, fault specs.</summary>
public sealed class ProtocolTests
{
    [Fact]
    public void A_migration_is_decided_once_and_the_first_decision_stands()
    {
        var outcomes = new MigrationOutcomes();
        Assert.Equal(MigrationOutcome.Unknown, outcomes.Of("m"));
        outcomes.Begin("m");
        Assert.Equal(MigrationOutcome.Pending, outcomes.Of("m"));
        Assert.True(outcomes.TryDecide("m", MigrationOutcome.Aborted));
        Assert.False(outcomes.TryDecide("m", MigrationOutcome.Committed));
        Assert.Equal(MigrationOutcome.Aborted, outcomes.Of("m"));
        Assert.Throws<InvalidOperationException>(() => outcomes.Begin("m"));
        Assert.Throws<ArgumentOutOfRangeException>(() => outcomes.TryDecide("m", MigrationOutcome.Pending));
        Assert.False(outcomes.TryDecide("never-begun", MigrationOutcome.Committed));
    }

    [Fact]
    public void Pre_copy_stops_when_the_downtime_target_is_met()
    {
        var planner = new PrecopyPlanner(TimeSpan.FromMilliseconds(10), maxRounds: 10);
        Assert.True(planner.Continue(1, 1_000_000, TimeSpan.FromMilliseconds(100)));
        Assert.False(planner.Continue(2, 50_000, TimeSpan.FromMilliseconds(5)));
        Assert.Contains("within", planner.StopReason);
    }

    [Fact]
    public void Pre_copy_stops_at_the_round_limit()
    {
        var planner = new PrecopyPlanner(TimeSpan.FromMilliseconds(1), maxRounds: 3);
        long dirty = 1_000_000;
        Assert.True(planner.Continue(1, dirty, TimeSpan.FromSeconds(1)));
        Assert.True(planner.Continue(2, dirty /= 2, TimeSpan.FromSeconds(1)));
        Assert.False(planner.Continue(3, dirty / 2, TimeSpan.FromSeconds(1)));
        Assert.Contains("3 rounds", planner.StopReason);
    }

    [Fact]
    public void Pre_copy_stops_when_the_dirty_set_no_longer_shrinks()
    {
        var planner = new PrecopyPlanner(TimeSpan.FromMilliseconds(1), maxRounds: 100);
        Assert.True(planner.Continue(1, 1_000_000, TimeSpan.FromSeconds(1)));
        // After the full first round the dirty set may be anything; from then on it must shrink.
        Assert.True(planner.Continue(2, 800_000, TimeSpan.FromSeconds(1)));
        Assert.False(planner.Continue(3, 790_000, TimeSpan.FromSeconds(1)));
        Assert.Contains("not converging", planner.StopReason);
    }

    [Fact]
    public void Downtime_estimate_is_dirty_bytes_over_throughput()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(500), PrecopyPlanner.EstimateDowntime(50_000_000, 100_000_000));
        Assert.Equal(TimeSpan.MaxValue, PrecopyPlanner.EstimateDowntime(1, 0));
    }

    [Fact]
    public void Fault_specs_parse_or_fail_clearly()
    {
        var plan = FaultPlan.Parse("kill-after-chunks:3, corrupt-chunk:2,drop-commit,delay-images-ms:40");
        Assert.Equal(40, plan.DelayImagesMs);
        Assert.Equal(3, plan.KillAfterChunks);
        Assert.Equal(2, plan.CorruptChunk);
        Assert.True(plan.DropCommit);
        Assert.Equal(new FaultPlan(), FaultPlan.Parse(null));
        Assert.Contains("unknown fault", Assert.Throws<FormatException>(() => FaultPlan.Parse("explode")).Message);
        Assert.Contains("positive", Assert.Throws<FormatException>(() => FaultPlan.Parse("corrupt-chunk:0")).Message);
    }

    [Fact]
    public void Listen_addresses_are_host_and_port()
    {
        Assert.Equal(7001, NodeServer.ParseEndpoint("127.0.0.1:7001").Port);
        Assert.Equal(System.Net.IPAddress.Loopback, NodeServer.ParseEndpoint("localhost:0").Address);
        Assert.Equal(System.Net.IPAddress.IPv6Loopback, NodeServer.ParseEndpoint("[::1]:5").Address);
        Assert.Throws<FormatException>(() => NodeServer.ParseEndpoint("7001"));
        Assert.Throws<FormatException>(() => NodeServer.ParseEndpoint("example.org:7001"));
        Assert.Throws<FormatException>(() => NodeServer.ParseEndpoint("127.0.0.1:70000"));
    }
}
