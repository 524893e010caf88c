using Rtcr.Checkpoint;
using Rtcr.EndToEnd.Tests.Harness;
using Rtcr.Faults;
using Rtcr.Image;
using Rtcr.Memory;
using Rtcr.Quotas;
using Rtcr.Restore;
using Rtcr.Samples;
using Rtcr.Sessions;

namespace Rtcr.EndToEnd.Tests.Reliability;

/// <summary>
/// A fault at each <see cref="FaultPoint"/>: the previous image stays intact and restorable, no temporary
/// file is left, a checkpointed child runs on, a half-restored child is torn down with its native memory,
/// and the error says what failed (docs/reliability.md lists which test checks which guarantee).
/// </summary>
[Collection(NativeMemoryCollection.Name)]
public sealed class FaultInjectionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rtcr-faults-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(FaultPoint.ImageWrite, 1, "writing")]
    [InlineData(FaultPoint.ImageWrite, 4, "writing")] // mid-image: after the header and manifest
    [InlineData(FaultPoint.ImageFlush, 1, "flushing to disk")]
    [InlineData(FaultPoint.ImageRename, 1, "renaming")]
    public void A_failed_image_write_leaves_the_previous_image_and_no_temporary_file(FaultPoint point, int hit, string step)
    {
        using var host = new ComponentHost();
        var child = host.Start(SampleCatalog.Create("memory_writer"), Scenario.WriterRandom.Config);
        host.RunTicks(child, 2);
        string path = Path.Combine(_dir, "writer.rtcr");
        var first = host.Checkpoint(child);
        string atFirst = ChildState.Dump(host, child);
        ImageWriter.WriteFile(first, path);
        byte[] before = File.ReadAllBytes(path);

        host.RunTicks(child, 4);
        var second = host.Checkpoint(child);
        var plan = new FaultPlan().Fail(point, hit);
        var ex = Assert.Throws<IOException>(() => ImageWriter.WriteFile(second, path, ImageCompression.None, null, plan));

        Assert.IsType<InjectedFaultException>(ex.InnerException);
        Assert.Contains(step, ex.Message);
        Assert.Contains(path, ex.Message);
        Assert.Contains("previous file there is untouched", ex.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["writer.rtcr"], Directory.GetFiles(_dir).Select(Path.GetFileName));
        AssertRestoresTo(path, atFirst);

        // The child was checkpointed and runs on; the next write works.
        host.RunTicks(child, 6);
        Assert.Equal(6, host.Ticks(child));
        ImageWriter.WriteFile(host.Checkpoint(child), path);
        AssertRestoresTo(path, ChildState.Dump(host, child));
    }

    [Fact]
    public void A_corrupt_read_during_restore_is_refused_before_anything_is_created()
    {
        var (source, child, image) = Images.Checkpointed(Scenario.WriterRandom, 3);
        using var _ = source;
        string path = Path.Combine(_dir, "writer.rtcr");
        ImageWriter.WriteFile(image, path);
        // Flip one bit in the second block read (a memory slice): what a failing disk or cable does.
        var plan = new FaultPlan().At(FaultPoint.ImageRead, 3, subject => ((Memory<byte>)subject!).Span[^1] ^= 0x10);

        var ex = Assert.Throws<ImageFormatException>(() => ImageReader.ReadFile(path, Images.Schema, null, plan));
        Assert.Contains("checksum", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.True(plan.Hits(FaultPoint.ImageRead) >= 3);
        AssertRestoresTo(path, ChildState.Dump(source, child));
    }

    [Fact]
    public void A_dataspace_freed_while_a_checkpoint_prepares_is_left_out_and_the_image_restores()
    {
        using var host = new ComponentHost();
        var child = host.Start(SampleCatalog.Create("sheep_counter"), Scenario.Sheep.Config);
        host.RunTicks(child, 2);
        var extra = child.Env.Ram.Alloc(64 * 1024, cached: true);
        long badge = child.Env.Domain.BadgeOf(extra);
        // The child frees it after the checkpoint sized its buffers from the capability space, before the freeze.
        var plan = new FaultPlan().At(FaultPoint.CheckpointPrepared, 1, _ => child.Env.Ram.Free(extra));
        var faulty = new Checkpointer(host.Parent, SessionInspector.Instance);

        var image = faulty.Checkpoint(child.Env.Domain, new CheckpointOptions
        {
            Metadata = host.Checkpoint(child).Manifest.Metadata,
            InitialRamQuota = child.Options.RamQuota,
            InitialCapQuota = child.Options.CapQuota,
            Faults = plan,
        });

        Assert.Equal(1, plan.Hits(FaultPoint.CheckpointPrepared));
        Assert.DoesNotContain(image.Manifest.Dataspaces, d => d.Badge == badge);
        Assert.DoesNotContain(image.Manifest.Capabilities, c => c.Badge == badge);
        string path = Path.Combine(_dir, "sheep.rtcr");
        ImageWriter.WriteFile(image, path);
        AssertRestoresTo(path, ChildState.Dump(host, child));
        host.RunTicks(child, 4);
    }

    [Fact]
    public void A_capture_that_fails_while_frozen_thaws_the_child_which_runs_on()
    {
        var plan = new FaultPlan().Fail(FaultPoint.CheckpointFrozen, 1, "capture failed");
        using var host = new ComponentHost { Faults = plan };
        var child = host.Start(SampleCatalog.Create("sheep_counter"), Scenario.Sheep.Config);
        host.RunTicks(child, 2);

        var ex = Assert.Throws<CheckpointException>(() => host.Checkpoint(child));
        Assert.Contains($"checkpoint of '{child.Label}' failed", ex.Message);
        Assert.Contains("capture failed", ex.Message);
        Assert.False(child.Env.Domain.IsFrozen);

        host.RunTicks(child, 5); // timer ticks still arrive
        var image = host.Checkpoint(child); // the second reach of the point does not fail
        string path = Path.Combine(_dir, "sheep.rtcr");
        ImageWriter.WriteFile(image, path);
        AssertRestoresTo(path, ChildState.Dump(host, child));
    }

    [Fact]
    public void Quota_exhausted_during_restore_tears_the_half_restored_child_down()
    {
        var (source, _, image) = Images.Checkpointed(Scenario.WriterRandom, 3);
        using var _s = source;
        var plan = new FaultPlan().At(FaultPoint.RestoreSessions, 1, subject =>
        {
            // Another claim took the new PD's RAM quota just before its sessions are created.
            var quota = ((ProtectionDomain)subject!).Quota;
            quota.Withdraw(QuotaKind.Ram, quota.Available(QuotaKind.Ram), "test", "a concurrent claim");
        });
        AssertRestoreFailsCleanly(image, plan, ex => Assert.NotNull(Find<QuotaExceededException>(ex)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void A_replay_that_throws_tears_the_half_restored_child_down(int hit)
    {
        var (source, _, image) = Images.Checkpointed(Scenario.WriterRandom, 3);
        using var _s = source;
        var plan = new FaultPlan().Fail(FaultPoint.RestoreReplay, hit, "replay failed");
        AssertRestoreFailsCleanly(image, plan, ex =>
        {
            Assert.Contains("rolled back", ex.Message);
            Assert.Contains("replay failed", ex.Message);
        });
    }

    [Fact]
    public void A_fault_while_refilling_memory_frees_every_dataspace_already_created()
    {
        var (source, _, image) = Images.Checkpointed(Scenario.WriterRandom, 3);
        using var _s = source;
        Assert.True(image.Manifest.Dataspaces.Count >= 2);
        var plan = new FaultPlan().Fail(FaultPoint.RestoreContent, 2, "read error");
        AssertRestoreFailsCleanly(image, plan, ex => Assert.Contains("read error", ex.Message));
    }

    // A restore that fails at the plan's fault: a typed error, nothing of the half-restored child left (no
    // session, no object, no native byte), a bystander child runs on, and a clean restore of the same image works.
    private static void AssertRestoreFailsCleanly(CheckpointImage image, FaultPlan plan, Action<RestoreException> check)
    {
        using var host = new ComponentHost(startMicroseconds: image.Manifest.ClockMicroseconds) { Faults = plan };
        var bystander = host.Start(new SheepCounter(), "<config start=\"1\" interval_ms=\"100\"/>");
        host.RunTicks(bystander, 2);
        string bystanderBefore = ChildState.Dump(host, bystander);
        int objects = host.Kernel.Objects.Count, sessions = host.Parent.Sessions.Count;
        long native = RamDataspace.NativeBytesOutstanding;

        var ex = Assert.Throws<RestoreException>(() => host.Restore(image, SampleCatalog.Create));
        check(ex);
        Assert.Equal(sessions, host.Parent.Sessions.Count);
        Assert.Equal(objects, host.Kernel.Objects.Count);
        Assert.Equal(native, RamDataspace.NativeBytesOutstanding);
        Assert.Equal(bystanderBefore, ChildState.Dump(host, bystander));
        host.RunTicks(bystander, 4);

        var restored = host.Restore(image, SampleCatalog.Create); // the plan's fault fired once; now it restores
        Assert.NotEmpty(restored.Sessions);
    }

    private static void AssertRestoresTo(string path, string state)
    {
        var image = ImageReader.ReadFile(path, Images.Schema);
        using var host = new ComponentHost(startMicroseconds: image.Manifest.ClockMicroseconds);
        var restored = host.Restore(image, SampleCatalog.Create);
        Assert.Equal(state.Split('\n').Skip(1), ChildState.Dump(host, restored).Split('\n').Skip(1));
    }

    private static T? Find<T>(Exception? ex) where T : Exception
    {
        for (; ex is not null; ex = ex.InnerException)
            if (ex is T t) return t;
        return null;
    }
}
