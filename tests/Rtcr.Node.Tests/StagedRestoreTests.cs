using Rtcr.Checkpoint;
using Rtcr.Samples;
using Rtcr.Sessions;
using Rtcr.Tracking;

namespace Rtcr.Node.Tests;

/// <summary>
/// <see cref="StagedRestore"/>: a full image restored frozen, then deltas applied in place, must give the
/// child exactly the state the source had at each delta (as <see cref="ChildState.Dump"/> shows it:
/// capabilities, memory digests, region maps and faults, quotas, thread registers, timers, pending
/// signals), in virtual time so that every run is the same.
/// </summary>
public sealed class StagedRestoreTests
{
    private const string Writer = "<config working_set=\"1M\" pattern=\"stamp\" rate=\"20000\" interval_ms=\"10\" seed=\"7\"/>";

    // The dump without its first line (the clock, which a staged child gets back only when resumed).
    private static string State(ComponentHost host, Child child) => ChildState.Dump(host, child).Split('\n', 2)[1];

    [Fact]
    public void Deltas_applied_in_place_give_the_state_the_source_had_at_each_of_them()
    {
        var rng = new Random(11);
        using var source = new ComponentHost { IncrementalPolicy = new IncrementalPolicy { MaxChainLength = 1000, MaxDeltaShare = 1000 } };
        var child = source.Start(SampleCatalog.Create("memory_writer"), Writer, new ChildOptions { Tracking = new TrackingOptions() });
        source.Kernel.Advance(25_000);
        var full = source.Checkpoint(child, incremental: true);
        Assert.False(full.IsDelta);

        using var target = new ComponentHost(startMicroseconds: full.Manifest.ClockMicroseconds);
        var staged = StagedRestore.Begin(target, full, SampleCatalog.Create, new TrackingOptions());
        Assert.Equal(State(source, child), State(target, staged.Child));
        for (int i = 1; i <= 8; i++)
        {
            // Steps of 0 (nothing written) to 40 ms, landing between the writer's steps and handlers.
            source.Kernel.Advance(i % 4 == 0 ? 0 : rng.Next(1, 40_000));
            var delta = source.Checkpoint(child, incremental: true);
            Assert.True(delta.IsDelta);
            Assert.True(staged.TryApply(delta, out string reason), reason);
            Assert.Equal(State(source, child), State(target, staged.Child));
            Assert.Equal(delta.Manifest.ClockMicroseconds, staged.ClockMicroseconds);
        }
        Assert.Equal(8, staged.Applied);
        Assert.Equal(ChildState.Dump(source, child).Split('\n', 2)[1], ChildState.Dump(target, staged.Child).Split('\n', 2)[1]);
        var stamp = StampCheck.Verify(staged.Child);
        Assert.NotNull(stamp);
        Assert.True(stamp.Ok, stamp.ToString());
    }

    [Fact]
    public void A_delta_that_changes_the_childs_structure_is_refused_before_anything_is_written()
    {
        using var source = new ComponentHost { IncrementalPolicy = new IncrementalPolicy { MaxChainLength = 1000, MaxDeltaShare = 1000 } };
        var child = source.Start(SampleCatalog.Create("memory_writer"), Writer, new ChildOptions { Tracking = new TrackingOptions() });
        source.Kernel.Advance(25_000);
        var full = source.Checkpoint(child, incremental: true);
        using var target = new ComponentHost(startMicroseconds: full.Manifest.ClockMicroseconds);
        var staged = StagedRestore.Begin(target, full, SampleCatalog.Create, new TrackingOptions());
        string before = State(target, staged.Child);

        source.Kernel.Advance(30_000);
        var delta = source.Checkpoint(child, incremental: true);
        // The same delta as if the child had dropped a capability meanwhile.
        var changed = new CheckpointImage(delta.Manifest with { Capabilities = delta.Manifest.Capabilities.Skip(1).ToList() }, delta.Contents);
        Assert.False(staged.TryApply(changed, out string reason));
        Assert.Contains("capability space changed", reason);
        Assert.False(staged.Broken);
        Assert.Equal(before, State(target, staged.Child));
        Assert.Equal(0, staged.Applied);

        // A delta of another chain is not a structure change but an error.
        Assert.Throws<Rtcr.Image.ImageFormatException>(() => staged.TryApply(full, out _));
    }
}
