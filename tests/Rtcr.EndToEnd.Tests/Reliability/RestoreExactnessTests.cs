using System.Diagnostics;
using Rtcr.EndToEnd.Tests.Harness;
using Rtcr.Faults;
using Rtcr.Samples;
using Rtcr.Sessions;

namespace Rtcr.EndToEnd.Tests.Reliability;

/// <summary>
/// Restore details that a mutation spot check (issue 13) showed no test caught: capabilities at their
/// index in a space with gaps, the timer queue held while the child is frozen, pending signals requeued,
/// and the PD's quota account put back exactly after an upgrade.
/// </summary>
public sealed class RestoreExactnessTests
{
    [Fact]
    public void Capabilities_are_restored_at_their_index_in_a_capability_space_with_gaps()
    {
        using var source = new ComponentHost();
        var child = source.Start(new SheepCounter(), Scenario.Sheep.Config);
        source.RunTicks(child, 2);
        var ram = child.Env.Ram;
        var a = ram.Alloc(4096, cached: true);
        var b = ram.Alloc(8192, cached: true);
        var c = ram.Alloc(3 * 4096, cached: true);
        ram.Free(a);
        ram.Free(b); // two free slots below c's
        var slots = child.Env.Domain.Caps.Snapshot();
        Assert.Contains(slots, s => s.Index == c.Index);
        Assert.DoesNotContain(slots, s => s.Index == a.Index || s.Index == b.Index);

        var image = source.Checkpoint(child);
        using var host = new ComponentHost(startMicroseconds: image.Manifest.ClockMicroseconds);
        var restored = host.Restore(Images.Read(Images.Bytes(image)), SampleCatalog.Create);

        Assert.Equal(slots.Select(s => s.Index), restored.Env.Domain.Caps.Snapshot().Select(s => s.Index));
        Assert.Equal(3 * 4096, restored.Env.Invoke(c).Size());
        Assert.Throws<Capabilities.CapabilityException>(() => restored.Env.Invoke(a));
        host.RunTicks(restored, 2);
    }

    [Fact]
    public void No_timeout_of_a_threaded_child_fires_while_it_is_frozen_for_a_checkpoint()
    {
        IReadOnlyList<(Execution.SignalContext, int)>? pendingWhileFrozen = null;
        long waitedMicroseconds = 0;
        var plan = new FaultPlan();
        using var host = new ComponentHost(ExecutionMode.Threaded) { Faults = plan };
        var child = host.Start(new SheepCounter(), "<config start=\"1\" interval_ms=\"10\"/>");
        plan.At(FaultPoint.CheckpointFrozen, 1, _ =>
        {
            // Frozen: stay here for ten of the child's timer periods (a bounded wait on the kernel's clock).
            long from = host.Kernel.Clock.NowMicroseconds;
            var guard = Stopwatch.StartNew();
            while (host.Kernel.Clock.NowMicroseconds - from < 100_000 && guard.Elapsed < TimeSpan.FromSeconds(30)) Thread.Sleep(5);
            waitedMicroseconds = host.Kernel.Clock.NowMicroseconds - from;
            pendingWhileFrozen = child.Env.Entrypoint.PendingSignals();
        });
        WaitForTicks(host, child, 2);

        var image = host.Checkpoint(child);

        Assert.True(waitedMicroseconds >= 100_000);
        Assert.NotNull(pendingWhileFrozen);
        Assert.Empty(pendingWhileFrozen);
        Assert.Empty(image.Manifest.PendingSignals);
        long after = host.Ticks(child);
        WaitForTicks(host, child, after + 2); // thawed, the timer ticks again
    }

    [Fact]
    public void Pending_signals_of_a_frozen_child_are_requeued_by_restore()
    {
        using var source = new ComponentHost();
        var child = source.Start(new SheepCounter(), "<config start=\"3\" interval_ms=\"100\"/>");
        source.RunTicks(child, 2);
        child.Env.Domain.Freeze();
        source.Kernel.Advance(350_000); // three timeouts land on the frozen child
        var pending = child.Env.Entrypoint.PendingSignals();
        Assert.NotEmpty(pending);
        var image = source.Checkpoint(child);
        Assert.Equal(pending.Sum(p => p.Count), image.Manifest.PendingSignals.Sum(p => p.Count));

        using var host = new ComponentHost(startMicroseconds: image.Manifest.ClockMicroseconds);
        var restored = host.Restore(Images.Read(Images.Bytes(image)), SampleCatalog.Create, leaveStopped: true);
        Assert.Equal(pending.Select(p => (p.Context.Handler, p.Count)), restored.Env.Entrypoint.PendingSignals().Select(p => (p.Context.Handler, p.Count)));

        // Both run on from there and count the same sheep.
        child.Env.Domain.Thaw();
        host.Resume(restored);
        source.RunTicks(child, 8);
        host.RunTicks(restored, 6);
        Assert.Equal(ChildState.Dump(source, child).Split('\n').Skip(1), ChildState.Dump(host, restored).Split('\n').Skip(1));
    }

    [Fact]
    public void The_pd_quota_account_is_restored_exactly_after_an_upgrade()
    {
        using var source = new ComponentHost();
        var child = source.Start(new SheepCounter(), Scenario.Sheep.Config);
        source.RunTicks(child, 2);
        child.Env.Upgrade(child.Env.Caps.Ram, 16 * 1024, 2, (s, ramQuota, capQuota) => s.Upgrade(ramQuota, capQuota));
        var quota = child.Env.Domain.Quota.Snapshot();
        var image = source.Checkpoint(child);

        using var host = new ComponentHost(startMicroseconds: image.Manifest.ClockMicroseconds);
        var restored = host.Restore(Images.Read(Images.Bytes(image)), SampleCatalog.Create);

        Assert.Equal(quota, restored.Env.Domain.Quota.Snapshot());
    }

    private static void WaitForTicks(ComponentHost host, Child child, long ticks)
    {
        using var reached = new ManualResetEventSlim();
        void OnTick(Execution.Entrypoint ep)
        {
            if (host.Ticks(child) >= ticks) reached.Set();
        }
        host.TickCompleted += OnTick;
        try
        {
            if (host.Ticks(child) >= ticks) reached.Set();
            Assert.True(reached.Wait(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken), $"'{child.Label}' did not reach {ticks} ticks");
        }
        finally
        {
            host.TickCompleted -= OnTick;
        }
    }
}
