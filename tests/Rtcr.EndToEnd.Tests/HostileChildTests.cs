using Rtcr.Capabilities;
using Rtcr.Checkpoint;
using Rtcr.EndToEnd.Tests.Components;
using Rtcr.EndToEnd.Tests.Harness;
using Rtcr.Execution;
using Rtcr.Memory;
using Rtcr.Quotas;
using Rtcr.Samples;
using Rtcr.Sessions;

namespace Rtcr.EndToEnd.Tests;

/// <summary>
/// Hostile children (issue 13, item 3): each misbehaviour gets a clear error or is contained, the parent
/// and a well-behaved sibling (a sheep counter) run on, and the next checkpoint of both still works —
/// the hostile child's image even restores — or is refused clearly. Nothing of one child is reachable
/// from the other. See docs/hostile-children.md.
/// </summary>
public sealed class HostileChildTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(1);
    private const string SheepConfig = "<config start=\"1\" interval_ms=\"10\"/>";
    private static readonly LogRateLimit TestLimit = new() { Burst = 100, LinesPerSecond = 1000 };

    private static (ComponentHost Host, Child Hostile, Child Sheep) Start(string attack, ExecutionMode mode = ExecutionMode.Deterministic, TimeSpan? pauseTimeout = null)
    {
        var host = new ComponentHost(mode) { LogRateLimit = TestLimit, PauseTimeout = pauseTimeout ?? CheckpointOptions.DefaultPauseTimeout };
        var sheep = host.Start(new SheepCounter(), SheepConfig);
        var hostile = host.Start(new Hostile(attack), "<config/>");
        return (host, hostile, sheep);
    }

    private static string[] Lines(ComponentHost host, string label) =>
        ((CollectingLogSink)host.Log).Lines.Where(l => l.StartsWith($"[{label}]", StringComparison.Ordinal)).Select(l => l[(label.Length + 3)..]).ToArray();

    /// <summary>Runs the attack (the hostile child's first tick) and returns what the child logged about it.</summary>
    private static string Attack(ComponentHost host, Child hostile)
    {
        host.RunTicks(hostile, 1);
        return Lines(host, "hostile").First(l => l.StartsWith("refused ", StringComparison.Ordinal) || l.StartsWith("attack ", StringComparison.Ordinal));
    }

    /// <summary>Both children tick on, both checkpoint, and the hostile child's image restores and ticks in a fresh host.</summary>
    private static void AssertBothRunOnAndCheckpoint(ComponentHost host, Child hostile, Child sheep, string attack)
    {
        long sheepTicks = host.Ticks(sheep), hostileTicks = host.Ticks(hostile);
        host.RunTicks(sheep, sheepTicks + 3);
        host.RunTicks(hostile, hostileTicks + 2);
        Assert.Equal(Enumerable.Range(1, (int)host.Ticks(sheep)).Select(n => $"{n} sheep. zzZ"), Lines(host, "sheep_counter"));
        Assert.NotEmpty(host.Checkpoint(sheep).Manifest.Capabilities);
        var image = Images.Read(Images.Bytes(host.Checkpoint(hostile)));
        using var fresh = new ComponentHost(startMicroseconds: image.Manifest.ClockMicroseconds) { LogRateLimit = TestLimit };
        var restored = fresh.Restore(image, _ => new Hostile(attack));
        fresh.RunTicks(restored, 1);
        Assert.Equal($"tick {StatePage.Get(restored.Env, Hostile.Counter)}", Lines(fresh, "hostile").Last());
    }

    [Theory]
    [InlineData("forge-free-slot", "FreeSlot")]
    [InlineData("forge-out-of-bounds", "OutOfBounds")]
    [InlineData("forge-wrong-type", "WrongType")]
    public void A_forged_capability_index_is_refused_with_a_capability_error(string attack, string error)
    {
        var (host, hostile, sheep) = Start(attack);
        using var _ = host;

        string result = Attack(host, hostile);

        Assert.StartsWith("refused CapabilityException (", result);
        Assert.Contains(error, result);
        Assert.Contains("'hostile'", result);
        AssertBothRunOnAndCheckpoint(host, hostile, sheep, attack);
    }

    [Fact]
    public void Invoking_a_freed_capability_is_refused_and_the_freed_dataspace_is_not_reachable()
    {
        var (host, hostile, sheep) = Start("freed");
        using var _ = host;
        long quotaBefore = hostile.Env.Domain.Quota.Snapshot().CapUsed;

        string result = Attack(host, hostile);

        Assert.StartsWith("refused CapabilityException (", result);
        Assert.Contains("FreeSlot", result);
        Assert.Equal(quotaBefore, hostile.Env.Domain.Quota.Snapshot().CapUsed);
        AssertBothRunOnAndCheckpoint(host, hostile, sheep, "freed");
    }

    [Fact]
    public void A_capability_index_of_another_child_names_nothing_of_that_child()
    {
        var (host, hostile, sheep) = Start("foreign");
        using var _ = host;
        // The sheep counter's state page: a dataspace index the hostile child does not hold.
        var sheepSlots = sheep.Env.Domain.Caps.Snapshot();
        var hostileSlots = hostile.Env.Domain.Caps.Snapshot().Select(s => s.Index).ToHashSet();
        int foreign = sheepSlots.Select(s => s.Index).Where(i => !hostileSlots.Contains(i)).DefaultIfEmpty(-1).Max();
        if (foreign < 0)
        {
            // Same number of slots: give the sheep counter one more, at an index the hostile child lacks.
            foreign = sheep.Env.Ram.Alloc(4096, cached: true).Index;
        }
        StatePage.Set(hostile.Env, Hostile.Target, foreign);
        long sheepState = sheep.Env.Memory.Read<long>(SheepCounter.StateAddress);

        string result = Attack(host, hostile);

        Assert.StartsWith("refused CapabilityException (", result);
        Assert.Contains("FreeSlot", result);
        Assert.True(sheep.Env.Memory.Read<long>(SheepCounter.StateAddress) >= sheepState); // untouched by the hostile write
        AssertBothRunOnAndCheckpoint(host, hostile, sheep, "foreign");
    }

    [Fact]
    public void No_slot_of_one_childs_capability_space_resolves_to_an_object_of_another_child_in_its_space()
    {
        var (host, hostile, sheep) = Start("none");
        using var _ = host;
        host.RunTicks(sheep, 2);
        var sheepBadges = sheep.Env.Domain.Caps.Snapshot().Select(s => s.Badge).ToHashSet();
        var hostileBadges = hostile.Env.Domain.Caps.Snapshot().Select(s => s.Badge).ToHashSet();
        Assert.Empty(sheepBadges.Intersect(hostileBadges)); // no object is shared between them at all

        // Every index the sheep counter uses, and every index at all, tried in the hostile child's space.
        for (int index = 0; index < hostile.Env.Domain.Caps.Capacity; index++)
        {
            try
            {
                long badge = hostile.Env.Domain.BadgeOf(Cap<object>.FromIndex(index));
                Assert.DoesNotContain(badge, sheepBadges);
            }
            catch (CapabilityException ex)
            {
                Assert.Equal(CapabilityError.FreeSlot, ex.Error);
            }
        }
    }

    [Fact]
    public void Attaching_a_region_over_an_attached_one_is_refused_and_the_old_mapping_stays()
    {
        var (host, hostile, sheep) = Start("overlap");
        using var _ = host;

        string result = Attack(host, hostile);

        Assert.StartsWith("refused RegionConflictException: ", result);
        Assert.Equal(1, StatePage.Get(hostile.Env, Hostile.Counter)); // the state page is still there
        AssertBothRunOnAndCheckpoint(host, hostile, sheep, "overlap");
    }

    [Fact]
    public void Allocating_past_the_RAM_quota_is_refused_and_nothing_is_charged()
    {
        var (host, hostile, sheep) = Start("ram");
        using var _ = host;
        var before = hostile.Env.Ram.Used();

        string result = Attack(host, hostile);

        Assert.StartsWith("refused QuotaExceededException: ", result);
        Assert.Contains("RAM", result, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, hostile.Env.Ram.Used());
        AssertBothRunOnAndCheckpoint(host, hostile, sheep, "ram");
    }

    [Fact]
    public void Allocating_past_the_capability_quota_is_refused()
    {
        var (host, hostile, sheep) = Start("caps");
        using var _ = host;

        string result = Attack(host, hostile);

        Assert.StartsWith("refused QuotaExceededException: ", result);
        Assert.Contains("cap", result, StringComparison.OrdinalIgnoreCase);
        AssertBothRunOnAndCheckpoint(host, hostile, sheep, "caps");
    }

    [Fact]
    public void Upgrading_a_session_with_quota_the_child_does_not_have_is_refused_and_moves_nothing()
    {
        var (host, hostile, sheep) = Start("upgrade");
        using var _ = host;
        var before = hostile.Env.Domain.Quota.Snapshot();

        string result = Attack(host, hostile);

        Assert.StartsWith("refused QuotaExceededException: ", result);
        Assert.Equal(before, hostile.Env.Domain.Quota.Snapshot());
        AssertBothRunOnAndCheckpoint(host, hostile, sheep, "upgrade");
    }

    [Fact]
    public void A_LOG_flood_is_rate_limited_per_session_counted_and_reported_and_other_children_log_on()
    {
        var (host, hostile, sheep) = Start("flood");
        using var _ = host;

        host.RunTicks(hostile, 1);
        var lines = Lines(host, "hostile");
        Assert.Equal(TestLimit.Burst, lines.Count(l => l.StartsWith("flood ", StringComparison.Ordinal)));
        long dropped = host.DroppedLogLines(hostile);
        Assert.Equal(Hostile.FloodLines - TestLimit.Burst + 2, dropped); // the rest of the flood, "attack flood: flooded" and "tick 1"
        Assert.Equal(0, host.DroppedLogLines(sheep));

        host.RunTicks(hostile, 2); // 10 ms later the bucket holds 10 lines again
        Assert.Equal([$"[log] {dropped} lines dropped: more than {TestLimit.Burst} at once or {TestLimit.LinesPerSecond} per second", "tick 2"], Lines(host, "hostile")[^2..]);
        Assert.Equal(dropped, host.DroppedLogLines(hostile));
        AssertBothRunOnAndCheckpoint(host, hostile, sheep, "flood");
    }

    [Fact]
    public void A_thread_faulting_on_an_unmapped_address_is_stopped_with_a_page_fault_and_only_its_child_reports_it()
    {
        var (host, hostile, sheep) = Start("stray");
        using var _ = host;
        var reports = new List<FailureReport>();
        host.Kernel.FailureContained += reports.Add;

        host.RunTicks(sheep, 5); // the stray read happens on the way; the sheep counter does not see it

        var report = Assert.Single(reports);
        Assert.Equal("hostile:stray", report.Thread);
        var fault = Assert.IsType<PageFaultException>(report.Exception);
        Assert.Contains("0x70000000", fault.Message);
        var ex = Assert.Throws<InvalidOperationException>(() => host.RunTicks(hostile, host.Ticks(hostile) + 1));
        Assert.Contains("thread 'hostile:stray' stopped", ex.Message);
        Assert.Same(fault, ex.InnerException);
        host.RunTicks(sheep, host.Ticks(sheep) + 3);
        Assert.NotEmpty(host.Checkpoint(hostile).Manifest.Capabilities); // the next checkpoint works
        Assert.NotEmpty(host.Checkpoint(sheep).Manifest.Capabilities);
    }

    [Fact]
    public void A_crashing_handler_in_deterministic_mode_does_not_escape_into_another_childs_run()
    {
        var (host, hostile, sheep) = Start("crash");
        using var _ = host;
        var reports = new List<FailureReport>();
        host.Kernel.FailureContained += reports.Add;

        host.RunTicks(sheep, 10); // the hostile handler throws on the way

        Assert.Equal(10, host.Ticks(sheep));
        var report = Assert.Single(reports);
        Assert.Equal("hostile", report.Entrypoint);
        Assert.Equal("hostile handler crashed", hostile.Env.Entrypoint.Failure!.Message);
        var ex = Assert.Throws<InvalidOperationException>(() => host.RunTicks(hostile, 5));
        Assert.Equal("'hostile' failed", ex.Message);
        host.RunTicks(sheep, 13);
        Assert.NotEmpty(host.Checkpoint(sheep).Manifest.Capabilities);
        Assert.NotEmpty(host.Checkpoint(hostile).Manifest.Capabilities); // its state as it stopped
    }

    [Fact]
    public void A_thread_spinning_without_yielding_fails_the_checkpoint_with_a_report_and_every_child_runs_on()
    {
        var (host, hostile, sheep) = Start("spin", ExecutionMode.Threaded, TimeSpan.FromMilliseconds(100));
        try
        {
            Assert.True(SpinWait.SpinUntil(() => host.Ticks(hostile) >= 1 && host.Ticks(sheep) >= 1, HangGuard));

            var ex = Assert.Throws<PauseTimeoutException>(() => host.Checkpoint(hostile));

            Assert.Equal("hostile", ex.Child);
            Assert.Equal(["hostile:spin"], ex.Threads);
            Assert.Null(ex.Handler);
            Assert.False(hostile.Env.Domain.IsFrozen);
            long hostileTicks = host.Ticks(hostile), sheepTicks = host.Ticks(sheep);
            Assert.True(SpinWait.SpinUntil(() => host.Ticks(hostile) > hostileTicks + 2 && host.Ticks(sheep) > sheepTicks + 2, HangGuard));
            Assert.NotEmpty(host.Checkpoint(sheep).Manifest.Capabilities);
            Assert.Throws<PauseTimeoutException>(() => host.Checkpoint(hostile)); // refused clearly again while it spins

            StatePage.Set(hostile.Env, Hostile.Release, 1);
            var image = host.Checkpoint(hostile); // once it yields, the checkpoint works
            Assert.Contains(image.Manifest.Capabilities, c => c.Type.Contains("Thread", StringComparison.Ordinal));
        }
        finally
        {
            StatePage.Set(hostile.Env, Hostile.Release, 1);
            host.Dispose();
        }
    }

    [Fact]
    public void A_handler_that_does_not_return_fails_the_checkpoint_naming_the_handler_and_every_child_runs_on()
    {
        var (host, hostile, sheep) = Start("stuck", ExecutionMode.Threaded, TimeSpan.FromMilliseconds(100));
        try
        {
            Assert.True(SpinWait.SpinUntil(() => hostile.Env.Entrypoint.RunningHandler == "tick", HangGuard));

            var ex = Assert.Throws<PauseTimeoutException>(() => host.Checkpoint(hostile));

            Assert.Equal("hostile", ex.Entrypoint);
            Assert.Equal("tick", ex.Handler);
            Assert.Empty(ex.Threads);
            Assert.Contains("still in handler 'tick'", ex.Message);
            long sheepTicks = host.Ticks(sheep);
            Assert.True(SpinWait.SpinUntil(() => host.Ticks(sheep) > sheepTicks + 2, HangGuard));
            Assert.NotEmpty(host.Checkpoint(sheep).Manifest.Capabilities);

            StatePage.Set(hostile.Env, Hostile.Release, 1);
            Assert.True(SpinWait.SpinUntil(() => host.Ticks(hostile) >= 2, HangGuard)); // the handler returned; it ticks on
            Assert.NotEmpty(host.Checkpoint(hostile).Manifest.Capabilities);
        }
        finally
        {
            StatePage.Set(hostile.Env, Hostile.Release, 1);
            host.Dispose();
        }
    }

    [Fact]
    public async Task While_one_childs_checkpoint_waits_for_it_to_pause_another_child_keeps_getting_its_timer_ticks()
    {
        // A long pause timeout: the checkpoint of the spinning child is slow, not failed.
        var (host, hostile, sheep) = Start("spin", ExecutionMode.Threaded, HangGuard);
        try
        {
            Assert.True(SpinWait.SpinUntil(() => host.Ticks(sheep) >= 1, HangGuard));
            var checkpoint = Task.Run(() => host.Checkpoint(hostile), TestContext.Current.CancellationToken);
            Assert.True(SpinWait.SpinUntil(() => hostile.Env.Domain.IsFrozen, HangGuard)); // the pause is requested and waiting

            long sheepTicks = host.Ticks(sheep);
            Assert.True(SpinWait.SpinUntil(() => host.Ticks(sheep) > sheepTicks + 5, HangGuard));
            Assert.False(checkpoint.IsCompleted);

            StatePage.Set(hostile.Env, Hostile.Release, 1);
            var image = await checkpoint.WaitAsync(HangGuard, TestContext.Current.CancellationToken);
            Assert.NotEmpty(image.Manifest.Capabilities);
            long after = host.Ticks(hostile);
            Assert.True(SpinWait.SpinUntil(() => host.Ticks(hostile) > after + 1, HangGuard)); // and its own timers run again
        }
        finally
        {
            StatePage.Set(hostile.Env, Hostile.Release, 1);
            host.Dispose();
        }
    }

    [Fact]
    public void Destroying_a_child_stuck_in_a_handler_and_a_step_returns_and_its_sibling_runs_on()
    {
        using var host = new ComponentHost(ExecutionMode.Threaded) { LogRateLimit = TestLimit };
        var sheep = host.Start(new SheepCounter(), SheepConfig);
        var stuck = host.Start(new Hostile("stuck"), "<config/>");
        var spin = host.Start(new Hostile("spin"), "<config/>");
        try
        {
            Assert.True(SpinWait.SpinUntil(() => stuck.Env.Entrypoint.RunningHandler == "tick" && spin.Env.Domain.Threads.Single().IsInStep, HangGuard));

            stuck.Destroy(); // waits at most Entrypoint.KillTimeout for the handler, then leaves its OS thread behind
            spin.Destroy();

            Assert.Empty(spin.Env.Domain.Threads);
            // The stuck handler still uses the child's memory: its sessions (and that memory) are not freed under it.
            Assert.NotEmpty(host.Parent.SessionsOf(stuck.Env.Domain));
            long sheepTicks = host.Ticks(sheep);
            Assert.True(SpinWait.SpinUntil(() => host.Ticks(sheep) > sheepTicks + 2, HangGuard));
            Assert.NotEmpty(host.Checkpoint(sheep).Manifest.Capabilities);
        }
        finally
        {
            StatePage.Set(stuck.Env, Hostile.Release, 1); // the left-behind OS threads end once their handler/step returns
            StatePage.Set(spin.Env, Hostile.Release, 1);
        }
        // ... and then their sessions close, giving the memory back.
        Assert.True(SpinWait.SpinUntil(() => host.Parent.SessionsOf(stuck.Env.Domain).Count == 0 && host.Parent.SessionsOf(spin.Env.Domain).Count == 0, HangGuard));
    }
}
