using Rtcr.Capabilities;
using Rtcr.EndToEnd.Tests.Harness;
using Rtcr.Image;
using Rtcr.Quotas;
using Rtcr.Samples;
using Rtcr.Services;
using Rtcr.Sessions;

namespace Rtcr.EndToEnd.Tests;

/// <summary>The seed bugs of the original Rtcr, each as a restore-time regression test, plus its known defects.</summary>
public sealed class SeedRegressionTests
{
    private static (ComponentHost Host, Child Child) RestoreFresh(ComponentHost source, Child child, Func<string, IComponentProgram>? programs = null)
    {
        var image = source.Checkpoint(child);
        var bytes = Images.Bytes(image);
        var loaded = Images.Read(bytes);
        var host = new ComponentHost(startMicroseconds: loaded.Manifest.ClockMicroseconds);
        return (host, host.Restore(loaded, programs ?? SampleCatalog.Create));
    }

    [Fact]
    public void Restored_childs_PD_environment_session_reaches_the_restored_child()
    {
        using var source = new ComponentHost();
        var child = source.Start(new SheepCounter(), "<config start=\"1\" interval_ms=\"100\"/>");
        source.RunTicks(child, 2);
        var (host, restored) = RestoreFresh(source, child);
        using (host)
        {
            var pd = restored.Sessions.Single(s => s.Service == "PD");
            Assert.Same(restored.Env.Domain, pd.Client);
            Assert.Same(restored.Env.Domain, restored.Env.Pd.Domain());
            Assert.All(restored.Sessions, s => Assert.Same(restored.Env.Domain, s.Client));
        }
    }

    [Fact]
    public void Quota_transferred_before_the_checkpoint_is_restored_exactly()
    {
        using var source = new ComponentHost();
        var child = source.Start(new QuotaShuffler(), "<config/>");
        source.RunTicks(child, 3);
        string before = ChildState.Dump(source, child);
        var secondBefore = child.Sessions.Single(s => s.Service == "RAM" && s.Args.Label.EndsWith("second")).Session as IRamSession;
        var (host, restored) = RestoreFresh(source, child, _ => new QuotaShuffler());
        using (host)
        {
            Assert.Equal(before, ChildState.Dump(host, restored));
            var second = (IRamSession)restored.Sessions.Single(s => s.Service == "RAM" && s.Args.Label.EndsWith("second")).Session;
            Assert.Equal(secondBefore!.Quota(), second.Quota());
            Assert.Equal(secondBefore.Used(), second.Used());
            Assert.Equal(0xC0FFEEL, restored.Env.Memory.Read<long>(0x3000_0000 + 100));
            host.RunTicks(restored, 2);
            Assert.Equal(["[quota_shuffler] tick 4", "[quota_shuffler] tick 5"], ((CollectingLogSink)host.Log).Lines);
        }
    }

    [Fact]
    public void Restore_succeeds_when_the_childs_cap_quota_is_nearly_used_up()
    {
        using var source = new ComponentHost();
        var options = new ChildOptions { CapQuota = 160, CapSlots = 256 };
        var child = source.Start(new ContextHoarder(40), "<config/>", options);
        source.RunTicks(child, 1);
        var q = child.Env.Domain.Quota.Snapshot();
        Assert.True(q.CapLimit - q.CapUsed < 10, $"test setup: {q.CapLimit - q.CapUsed} caps left");
        string before = ChildState.Dump(source, child);
        var (host, restored) = RestoreFresh(source, child, _ => new ContextHoarder(40));
        using (host) Assert.Equal(before, ChildState.Dump(host, restored));
    }

    [Fact]
    public void Restored_capability_space_keeps_indices_and_bounds()
    {
        using var source = new ComponentHost();
        var child = source.Start(new SheepCounter(), "<config start=\"1\" interval_ms=\"100\"/>", new ChildOptions { CapSlots = 64 });
        source.RunTicks(child, 1);
        var oldIndices = child.Env.Domain.Caps.Snapshot().Select(s => s.Index).ToArray();
        var (host, restored) = RestoreFresh(source, child);
        using (host)
        {
            var pd = restored.Env.Domain;
            Assert.Equal(64, pd.Caps.Capacity);
            Assert.Equal(oldIndices, pd.Caps.Snapshot().Select(s => s.Index));
            var ex = Assert.Throws<CapabilityException>(() => pd.Invoke(new Cap<ILogSession>(64)));
            Assert.Equal(CapabilityError.OutOfBounds, ex.Error);
            Assert.Equal(CapabilityError.FreeSlot, Assert.Throws<CapabilityException>(() => pd.Invoke(new Cap<ILogSession>(63))).Error);
        }
    }

    [Fact]
    public void Session_of_a_local_service_is_created_recorded_and_restored()
    {
        var lines = new CollectingLogSink();
        using var source = new ComponentHost();
        source.Parent.AddLocalService(new CoreService("LOG", r => new LogSessionComponent("local:" + r.Args.Label, lines)));
        var child = source.Start(new SheepCounter(), "<config start=\"1\" interval_ms=\"100\"/>");
        source.RunTicks(child, 2);
        var log = child.Sessions.Single(s => s.Service == "LOG");
        Assert.Equal(RouteKind.Local, log.Route);
        Assert.NotNull(log.Recorder);
        Assert.True(source.Kernel.Objects.TryGet(log.Badge, out _));
        Assert.Equal(2, lines.Count);

        var image = source.Checkpoint(child);
        var restoredLines = new CollectingLogSink();
        using var host = new ComponentHost(startMicroseconds: image.Manifest.ClockMicroseconds);
        host.Parent.AddLocalService(new CoreService("LOG", r => new LogSessionComponent("local:" + r.Args.Label, restoredLines)));
        var restored = host.Restore(Images.Read(Images.Bytes(image)), SampleCatalog.Create);
        Assert.Equal(RouteKind.Local, restored.Sessions.Single(s => s.Service == "LOG").Route);
        host.RunTicks(restored, 1);
        Assert.Equal(["[local:sheep_counter] 3 sheep. zzZ"], restoredLines.Lines);
    }

    [Fact]
    public void ROM_session_is_restored_with_its_checkpointed_content()
    {
        using var source = new ComponentHost();
        var child = source.Start(new SheepCounter(), "<config start=\"5\" interval_ms=\"100\"/>");
        source.RunTicks(child, 1);
        var image = source.Checkpoint(child);

        using var host = new ComponentHost(startMicroseconds: image.Manifest.ClockMicroseconds);
        host.Roms.Set("config", "<config start=\"999\" interval_ms=\"7\"/> and much longer than before");
        Assert.True(host.Roms.TryGet("config", out var replaced) && replaced.Length > 40);
        var restored = host.Restore(Images.Read(Images.Bytes(image)), SampleCatalog.Create);
        var rom = restored.Sessions.Single(s => s.Service == "ROM");
        string text = restored.Env.ReadRom(Cap<IRomSession>.FromIndex(rom.CapIndex));
        Assert.Equal("<config start=\"5\" interval_ms=\"100\"/>", text);
    }

    [Fact]
    public void Checkpoint_and_restore_handle_thousands_of_objects()
    {
        using var source = new ComponentHost();
        var options = new ChildOptions { CapQuota = 60_000, CapSlots = 32_768 };
        var child = source.Start(new ContextHoarder(20_000), "<config/>", options);
        source.RunTicks(child, 1);
        var image = source.Checkpoint(child);
        Assert.True(image.Manifest.Capabilities.Count > 20_000);
        using var host = new ComponentHost(startMicroseconds: image.Manifest.ClockMicroseconds);
        var restored = host.Restore(image, _ => new ContextHoarder(20_000));
        Assert.Equal(image.Manifest.Capabilities.Select(c => c.Index), restored.Env.Domain.Caps.Snapshot().Select(s => s.Index));
        var objects = restored.Env.Domain.Kernel.Objects;
        Assert.Equal(image.Manifest.Capabilities.Select(c => c.Type),
            restored.Env.Domain.Caps.Snapshot().Select(s => objects.TryGet(s.Badge, out var o) ? SessionInspector.Instance.Describe(o) : "stale"));
        host.RunTicks(restored, 2);
    }

    [Fact]
    public void Checkpoint_of_a_threaded_run_restores_and_continues()
    {
        using var source = new ComponentHost(ExecutionMode.Threaded);
        var child = source.Start(new MemoryWriter(), Scenario.WriterRandom.Config);
        using (var ticked = new ManualResetEventSlim())
        {
            source.TickCompleted += _ => { if (source.Ticks(child) >= 2) ticked.Set(); };
            Assert.True(ticked.Wait(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken), "the threaded child did not tick");
        }
        // Hold time as well as the child, so that no timeout lands between the checkpoint and the dump.
        source.Kernel.Timers.Hold();
        child.Env.Domain.Freeze();
        var image = source.Checkpoint(child);
        string atCheckpoint = ChildState.Dump(source, child);
        source.Kernel.Timers.Release();
        long writes = child.Env.Memory.Read<long>(MemoryWriter.StateAddress);
        child.Destroy();

        using var host = new ComponentHost(ExecutionMode.Deterministic, startMicroseconds: image.Manifest.ClockMicroseconds);
        var restored = host.Restore(Images.Read(Images.Bytes(image)), SampleCatalog.Create);
        Assert.Equal(atCheckpoint.Split('\n').Skip(1), ChildState.Dump(host, restored).Split('\n').Skip(1));
        host.RunTicks(restored, 2);
        Assert.True(restored.Env.Memory.Read<long>(MemoryWriter.StateAddress) > writes);
    }
}

/// <summary>The original checkpoint compared stored and live objects by list search; here the work per object is constant.</summary>
public sealed class LinearCheckpointTests
{
    private static (long CheckpointLookups, long RestoreLookups) Lookups(int contexts)
    {
        using var source = new ComponentHost();
        var child = source.Start(new ContextHoarder(contexts), "<config/>", new ChildOptions { CapQuota = 3 * contexts + 200, CapSlots = 2 * contexts + 64 });
        source.RunTicks(child, 1);
        long before = source.Kernel.Objects.Lookups;
        var image = source.Checkpoint(child);
        long checkpoint = source.Kernel.Objects.Lookups - before;

        using var host = new ComponentHost(startMicroseconds: image.Manifest.ClockMicroseconds);
        long restoreBefore = host.Kernel.Objects.Lookups;
        host.Restore(image, _ => new ContextHoarder(contexts));
        return (checkpoint, host.Kernel.Objects.Lookups - restoreBefore);
    }

    [Fact]
    public void Object_lookups_of_checkpoint_and_restore_grow_linearly_with_the_number_of_objects()
    {
        var small = Lookups(1_000);
        var large = Lookups(8_000);
        // 8x the objects: linear work is about 8x the lookups; pairwise comparison would be about 64x.
        double checkpointRatio = (double)large.CheckpointLookups / small.CheckpointLookups;
        double restoreRatio = (double)large.RestoreLookups / small.RestoreLookups;
        Assert.InRange(checkpointRatio, 6.0, 9.0);
        Assert.InRange(restoreRatio, 6.0, 9.0);
    }
}

/// <summary>Closing a recorded session reaches the real session behind its recorder.</summary>
public sealed class SessionCloseTests
{
    [Fact]
    public void Closing_a_recorded_RAM_session_frees_its_dataspaces()
    {
        using var host = new ComponentHost();
        var child = host.Start(new SheepCounter(), "<config start=\"1\" interval_ms=\"100\"/>");
        var ram = host.Parent.Session<IRamSession>(child.Env.Domain, "RAM", new SessionArgs("extra", 16 * 1024, 4));
        Assert.NotNull(child.Sessions.Single(s => s.Args.Label == "extra").Recorder);
        var ds = child.Env.Invoke(ram).Alloc(4096, true);
        var memory = (Rtcr.Memory.RamDataspace)child.Env.Invoke(ds).Memory();
        long usedBefore = child.Env.Domain.Quota.Used(QuotaKind.Ram);

        host.Parent.Close(child.Env.Domain, ram);

        Assert.True(memory.IsFreed);
        Assert.Equal(usedBefore - 16 * 1024, child.Env.Domain.Quota.Used(QuotaKind.Ram));
        Assert.Equal(CapabilityError.FreeSlot, Assert.Throws<CapabilityException>(() => child.Env.Invoke(ram)).Error);
    }
}

/// <summary>Session upgrades survive a restore: recorded, re-applied once, refunded on close.</summary>
public sealed class UpgradeRestoreTests
{
    [Fact]
    public void Upgraded_session_is_restored_with_its_upgrade_and_refunds_it_on_close()
    {
        using var source = new ComponentHost();
        var child = source.Start(new SheepCounter(), "<config start=\"1\" interval_ms=\"100\"/>");
        var log = Cap<ILogSession>.FromIndex(child.Env.Memory.Read<int>(SheepCounter.StateAddress + 8));
        child.Env.Upgrade(log, 4096, 2, (s, ram, caps) => s.Upgrade(ram, caps));
        child.Env.Upgrade(log, 1024, 0, (s, ram, caps) => s.Upgrade(ram, caps));
        source.RunTicks(child, 1);
        var image = source.Checkpoint(child);

        using var host = new ComponentHost(startMicroseconds: image.Manifest.ClockMicroseconds);
        var restored = host.Restore(Images.Read(Images.Bytes(image)), SampleCatalog.Create);
        var entry = restored.Sessions.Single(s => s.Service == "LOG");
        var record = entry.Recorder!.Capture().ToRecord();
        Assert.Equal((5120L, 2L), (record.UpgradedRam, record.UpgradedCaps));

        Assert.Equal(log.Index, entry.CapIndex);
        long usedBefore = restored.Env.Domain.Quota.Used(QuotaKind.Ram);
        host.Parent.Close(restored.Env.Domain, log);
        Assert.Equal(usedBefore - entry.Args.RamQuota - 5120, restored.Env.Domain.Quota.Used(QuotaKind.Ram));
    }
}

/// <summary>Recording without a gate never pairs one call's method with another call's argument.</summary>
public sealed class RecorderRaceTests
{
    [Fact]
    public void Racing_calls_sharing_a_key_leave_one_whole_call_recorded()
    {
        using var host = new ComponentHost();
        var child = host.Start(new SheepCounter(), "<config start=\"1\" interval_ms=\"100\"/>");
        var timerCap = Cap<ITimerSession>.FromIndex(child.Env.Memory.Read<int>(SheepCounter.StateAddress + 12));
        var timer = child.Env.Invoke(timerCap);
        var recorder = child.Sessions.Single(s => s.Service == "Timer").Recorder!;
        for (int round = 0; round < 20; round++)
        {
            // TriggerOnce records odd values, TriggerPeriodic even ones.
            var once = new Thread(() => { for (long i = 0; i < 20_000; i++) timer.TriggerOnce(2 * i + 1); });
            var periodic = new Thread(() => { for (long i = 1; i <= 20_000; i++) timer.TriggerPeriodic(2 * i); });
            once.Start();
            periodic.Start();
            once.Join();
            periodic.Join();
            var trigger = recorder.Capture().ToRecord().Settings.Single(c => c.Key == "trigger");
            long value = long.Parse(trigger.Arguments.Single());
            Assert.Equal(trigger.Method == "TriggerOnce" ? 1 : 0, value % 2);
        }
    }
}
