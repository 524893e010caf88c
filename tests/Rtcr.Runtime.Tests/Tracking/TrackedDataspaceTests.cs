using Rtcr.Execution;
using Rtcr.Memory;
using Rtcr.Tracking;

namespace Rtcr.Runtime.Tests.Tracking;

public sealed class TrackedDataspaceTests
{
    private const long K = 1024;
    private const long Base = 0x4000_0000; // where the child attaches the dataspace

    /// <summary>A kernel, a tracker and one tracked dataspace attached at <see cref="Base"/>; disposing frees them.</summary>
    private sealed record Rig(Kernel Kernel, DirtyTracker Tracker, TrackedDataspace Ds, AddressSpace Memory) : IDisposable
    {
        public void Dispose()
        {
            Tracker.Dispose();
            Kernel.Dispose();
        }
    }

    private static Rig Setup(
        long size, long granularity, TrackingMode mode, ExecutionMode exec = ExecutionMode.Deterministic, AdaptiveGranularity? adaptive = null)
    {
        var kernel = new Kernel(exec);
        var tracker = new DirtyTracker(kernel, "child", new TrackingOptions { Mode = mode, Granularity = granularity, Adaptive = adaptive });
        var ds = tracker.Allocate(size);
        var root = new RegionMap("child", 1L << 32);
        root.Attach(ds, at: Base);
        return new Rig(kernel, tracker, ds, new AddressSpace(root, TimeSpan.FromSeconds(10)));
    }

    public static TheoryData<TrackingMode> Modes => new() { TrackingMode.Write, TrackingMode.Access };

    [Theory]
    [MemberData(nameof(Modes))]
    public void Designated_dataspaces_cover_the_dataspace_exactly_and_the_last_may_be_smaller(TrackingMode mode)
    {
        using var rig = Setup(9 * 64 * K + 12 * K, 64 * K, mode);
        var (kernel, tracker, ds, _) = rig;
        var designated = ds.Designated;
        Assert.Equal(10, designated.Count);
        long expected = 0;
        foreach (var d in designated)
        {
            Assert.Equal(expected, d.Offset); // no gap, no overlap
            expected = d.End;
        }
        Assert.Equal(ds.Size, expected);
        Assert.Equal(12 * K, designated[^1].Length);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Seed_behaviour_nothing_is_open_after_a_checkpoint_and_one_access_opens_exactly_one(TrackingMode mode)
    {
        using var rig = Setup(1024 * K, 64 * K, mode);
        var (kernel, tracker, ds, memory) = rig;
        memory.Write(Base + 5, 1L);
        ds.CopyDirtyAndRearm(new byte[ds.DirtyBytes]);
        Assert.Equal(0, ds.ArmedOpenCount);
        Assert.Equal(0, ds.DirtyCount);

        memory.Write(Base + 300 * K, 7L);

        Assert.Equal(1, ds.ArmedOpenCount);
        Assert.Equal([new MemoryRange(256 * K, 64 * K)], ds.DirtyRanges());
        Assert.Equal(7L, memory.Read<long>(Base + 300 * K));
    }

    [Fact]
    public void Write_tracking_lets_reads_through_without_dirtying_while_access_tracking_counts_them()
    {
        using var r1 = Setup(256 * K, 4 * K, TrackingMode.Write);
        using var r2 = Setup(256 * K, 4 * K, TrackingMode.Access);
        var (_, _, written, m1) = r1;
        var (_, _, accessed, m2) = r2;
        {
            for (long a = 0; a < 256 * K; a += 4 * K) { _ = m1.Read<long>(Base + a); _ = m2.Read<long>(Base + a); }
            Assert.Equal(0, written.DirtyCount);
            Assert.Equal(0, written.Faults);
            Assert.Equal(64, accessed.DirtyCount);
            Assert.Equal(64, accessed.Faults);
        }
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Fault_lookup_is_exact_at_a_designated_dataspaces_last_byte_and_one_past_its_end(TrackingMode mode)
    {
        using var rig = Setup(256 * K, 64 * K, mode);
        var (kernel, tracker, ds, memory) = rig;
        memory.Write(Base + 64 * K - 1, (byte)1); // last byte of the first
        Assert.Equal([new MemoryRange(0, 64 * K)], ds.DirtyRanges());
        memory.Write(Base + 64 * K, (byte)2); // first byte of the second
        Assert.Equal([new MemoryRange(0, 128 * K)], ds.DirtyRanges());
        memory.Write(Base + 256 * K - 1, (byte)3); // the dataspace's very last byte
        Assert.Equal([new MemoryRange(0, 128 * K), new MemoryRange(192 * K, 64 * K)], ds.DirtyRanges());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Every_dirty_designated_dataspace_is_copied_not_only_the_first(TrackingMode mode)
    {
        using var rig = Setup(1024 * K, 16 * K, mode);
        var (kernel, tracker, ds, memory) = rig;
        long[] offsets = [0, 48 * K, 500 * K, 1024 * K - 8];
        foreach (long o in offsets) memory.Write(Base + o, o + 1);
        var buffer = new byte[ds.DirtyBytes];

        var ranges = ds.CopyDirtyAndRearm(buffer);

        Assert.Equal(4 * 16 * K, buffer.Length);
        long packed = 0;
        var found = new List<long>();
        foreach (var r in ranges)
        {
            foreach (long o in offsets)
                if (o >= r.Offset && o < r.End) found.Add(BitConverter.ToInt64(buffer, (int)(packed + o - r.Offset)) - 1);
            packed += r.Length;
        }
        Assert.Equal(offsets, found.Order());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void A_plain_dataspace_attached_before_a_tracked_one_does_not_disturb_resolving_its_faults(TrackingMode mode)
    {
        using var kernel = new Kernel();
        using var tracker = new DirtyTracker(kernel, "child", new TrackingOptions { Mode = mode, Granularity = 4 * K });
        using var plain = new RamDataspace(64 * K);
        var ds = tracker.Allocate(64 * K);
        var root = new RegionMap("child", 1L << 32);
        root.Attach(plain, at: 0x1000_0000);
        root.Attach(ds, at: 0x2000_0000);
        var memory = new AddressSpace(root);

        memory.Write(0x1000_0008, 5L);
        memory.Write(0x2000_0008, 6L);

        Assert.Equal(5L, memory.Read<long>(0x1000_0008));
        Assert.Equal(6L, memory.Read<long>(0x2000_0008));
        Assert.Equal([new MemoryRange(0, 4 * K)], ds.DirtyRanges());
    }

    [Fact]
    public void An_access_outside_every_dataspace_stops_the_faulting_thread_with_a_clear_report_and_the_parent_runs_on()
    {
        using var rig = Setup(64 * K, 4 * K, TrackingMode.Write);
        var (kernel, tracker, ds, memory) = rig;
        var thread = kernel.CreateThread("stray", new StrayWriter(), memory);
        thread.Start(0, Base + 64 * K); // one past the end of the tracked dataspace

        var ex = Assert.Throws<PageFaultException>(() => kernel.RunUntilIdle());

        Assert.Contains("0x40010000", ex.Message);
        Assert.True(thread.IsFinished);
        Assert.IsType<PageFaultException>(thread.Failure);
        memory.Write(Base + 8, 9L); // the parent's fault handler still serves the dataspace
        Assert.Equal(9L, memory.Read<long>(Base + 8));
        Assert.Equal(1, ds.DirtyCount);
    }

    private sealed class StrayWriter : IThreadProgram
    {
        public StepResult Step(ref ThreadRegisters r, AddressSpace memory, long now)
        {
            memory.Write(r.Sp, 1L);
            return StepResult.Halt;
        }
    }

    [Fact]
    public void Faults_from_several_threads_at_once_are_all_resolved_by_the_parents_handler_thread()
    {
        const int threads = 8, writes = 256;
        using var rig = Setup(threads * writes * 4 * K, 4 * K, TrackingMode.Write, ExecutionMode.Threaded);
        var (kernel, tracker, ds, memory) = rig;
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (int i = 0; i < writes; i++)
            {
                long offset = ((long)i * threads + t) * 4 * K + t * 8; // each write its own designated dataspace
                memory.Write(Base + offset, offset + 1);
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());

        Assert.Equal(threads * writes, ds.DirtyCount);
        Assert.Equal(threads * writes, ds.Faults);
        for (int t = 0; t < threads; t++)
            for (int i = 0; i < writes; i++)
            {
                long offset = ((long)i * threads + t) * 4 * K + t * 8;
                Assert.Equal(offset + 1, memory.Read<long>(Base + offset));
            }
    }

    [Fact]
    public void A_fault_during_a_checkpoint_marks_the_write_for_the_next_epoch_and_loses_nothing()
    {
        // The parent's handler and the checkpoint's copy-and-rearm exclude each other: a fault resolved
        // while the copy runs is either copied now (and re-armed, so its write faults again) or dirty
        // in the next epoch. Writers run flat out while checkpoints are taken; every epoch's content
        // must equal the backing at the copy and every write must be in some delta. The lock stands in
        // for the freeze: a writer's access (fault included) completes before the copy starts.
        using var rig = Setup(1024 * K, 4 * K, TrackingMode.Write, ExecutionMode.Threaded);
        var (kernel, tracker, ds, memory) = rig;
        var shadow = new byte[ds.Size];
        ds.CopyAllAndRearm(shadow);
        using var stop = new CancellationTokenSource();
        using var freeze = new ReaderWriterLockSlim();
        var writers = Enumerable.Range(0, 2).Select(seed => new Thread(() =>
        {
            var rng = new Random(seed);
            long n = 0;
            while (!stop.IsCancellationRequested)
            {
                freeze.EnterReadLock();
                try { memory.Write(Base + rng.Next(0, (int)(ds.Size / 8)) * 8L, ++n * 2 + seed); }
                finally { freeze.ExitReadLock(); }
            }
        })).ToList();
        writers.ForEach(w => w.Start());
        for (int round = 0; round < 50; round++)
        {
            Thread.Sleep(2);
            var buffer = new byte[ds.Size];
            freeze.EnterWriteLock();
            IReadOnlyList<MemoryRange> ranges;
            try { ranges = ds.CopyDirtyAndRearm(buffer); }
            finally { freeze.ExitWriteLock(); }
            long packed = 0;
            foreach (var r in ranges)
            {
                buffer.AsSpan((int)packed, (int)r.Length).CopyTo(shadow.AsSpan((int)r.Offset));
                packed += r.Length;
            }
        }
        stop.Cancel();
        writers.ForEach(w => w.Join());
        var last = new byte[ds.Size];
        var tail = ds.CopyDirtyAndRearm(last);
        long at = 0;
        foreach (var r in tail)
        {
            last.AsSpan((int)at, (int)r.Length).CopyTo(shadow.AsSpan((int)r.Offset));
            at += r.Length;
        }

        Assert.True(ds.Faults > 50);
        Assert.Equal(ds.ContentRam.GetSpan(0, (int)ds.Size).ToArray(), shadow);
    }

    [Fact]
    public void A_fault_pending_while_the_checkpoint_copies_is_resolved_afterwards_and_lands_in_the_next_delta()
    {
        using var rig = Setup(256 * K, 4 * K, TrackingMode.Write, ExecutionMode.Threaded);
        var (kernel, tracker, ds, memory) = rig;
        memory.Write(Base, 1L);
        tracker.FaultHandler.Pause(); // the parent's handler is busy: the next fault stays pending
        var writer = new Thread(() => memory.Write(Base + 128 * K, 42L));
        writer.Start();
        SpinWait.SpinUntil(() => ds.Map.State().Type == FaultType.Write, TimeSpan.FromSeconds(10));
        Assert.Equal(FaultType.Write, ds.Map.State().Type);

        var first = ds.CopyDirtyAndRearm(new byte[ds.DirtyBytes]); // the checkpoint, with the fault pending
        tracker.FaultHandler.Resume();
        writer.Join();

        Assert.Equal([new MemoryRange(0, 4 * K)], first);
        Assert.Equal([new MemoryRange(128 * K, 4 * K)], ds.DirtyRanges());
        var second = new byte[ds.DirtyBytes];
        ds.CopyDirtyAndRearm(second);
        Assert.Equal(42L, BitConverter.ToInt64(second, 0));
    }

    [Fact]
    public void Adaptive_granularity_merges_where_writes_are_dense_and_splits_where_they_are_spread()
    {
        var adaptive = new AdaptiveGranularity { MergeAfter = 1, SplitAfter = 1 };
        using var rig = Setup(8 * 1024 * K, 64 * K, TrackingMode.Write, adaptive: adaptive);
        var (kernel, tracker, ds, memory) = rig;
        for (int epoch = 0; epoch < 8; epoch++)
        {
            for (long a = 0; a < 4096 * K; a += 4 * K) memory.Write(Base + a, (long)epoch); // block 0: every page
            memory.Write(Base + 4096 * K + 2048 * K + epoch * 8, 1L); // block 1: one word
            ds.CopyDirtyAndRearm(new byte[ds.DirtyBytes]);
        }
        var sizes = ds.BlockGranularities();
        Assert.Equal(4096 * K, sizes[0]);
        Assert.Equal(4 * K, sizes[1]);
        // After the change the content is intact and tracking still works at the new sizes.
        Assert.Equal(7L, memory.Read<long>(Base + 4 * K));
        memory.Write(Base + 4096 * K + 100 * K, 3L);
        Assert.Equal([new MemoryRange(4096 * K + 100 * K, 4 * K)], ds.DirtyRanges());
    }
}
