using Rtcr.Checkpoint;
using Rtcr.EndToEnd.Tests.Harness;
using Rtcr.Host;
using Rtcr.Image;
using Rtcr.Samples;
using Rtcr.Sessions;
using Rtcr.Tracking;

namespace Rtcr.EndToEnd.Tests;

public sealed class IncrementalCheckpointTests : IDisposable
{
    private readonly string _dir = CheckpointHarness.TempDir();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static TrackingOptions Tracking(string granularity, TrackingMode mode) => granularity == "adaptive"
        ? new TrackingOptions { Mode = mode, Granularity = 16 * 1024, Adaptive = new AdaptiveGranularity { MergeAfter = 1, SplitAfter = 1 } }
        : new TrackingOptions { Mode = mode, Granularity = long.Parse(granularity) * 1024 };

    public static TheoryData<string, string, TrackingMode, int> Chains()
    {
        var data = new TheoryData<string, string, TrackingMode, int>();
        int seed = 100;
        foreach (var pattern in new[] { "sequential", "random", "hotspot" })
            foreach (var granularity in new[] { "4", "16", "64", "256", "1024", "4096", "adaptive" })
                foreach (var mode in new[] { TrackingMode.Write, TrackingMode.Access })
                    data.Add(pattern, granularity, mode, seed++);
        return data;
    }

    [Theory]
    [MemberData(nameof(Chains))]
    public void A_chain_of_deltas_taken_at_random_points_restores_exactly_at_every_link(string pattern, string granularity, TrackingMode mode, int seed)
    {
        var links = IncrementalChainHarness.Record(_dir, IncrementalChainHarness.Config(pattern, seed: seed), Tracking(granularity, mode), checkpoints: 12, seed);

        Assert.False(links[0].IsDelta);
        Assert.All(links.Skip(1), l => Assert.True(l.IsDelta, $"{l.Path} should be a delta"));
        // The newest link and two others chosen by the seed (failures name the seed to replay).
        var rng = new Random(seed);
        foreach (int k in new[] { links.Count - 1, rng.Next(1, links.Count - 1), rng.Next(0, links.Count - 1) }.Distinct())
            Assert.True(links[k].State == IncrementalChainHarness.Restore(links[k].Path),
                $"seed {seed}: restoring link {k} ({Path.GetFileName(links[k].Path)}) differs from the live child at that checkpoint");
    }

    [Fact]
    public void A_delta_of_a_child_that_wrote_nothing_carries_no_memory()
    {
        using var host = new ComponentHost();
        var child = host.Start(SampleCatalog.Create("memory_writer"), IncrementalChainHarness.Config("random"), new ChildOptions { Tracking = new TrackingOptions() });
        host.Kernel.Advance(25_000);
        var full = host.Checkpoint(child, incremental: true);
        var delta = host.Checkpoint(child, incremental: true); // no time passed: no step ran

        Assert.False(full.IsDelta);
        Assert.True(delta.IsDelta);
        Assert.Equal(0, delta.MemoryBytes);
        Assert.All(delta.Manifest.Dataspaces.Where(d => d.Ranges is not null), d => Assert.Empty(d.Ranges!));
        Assert.Equal(full.Manifest.ImageId, delta.Manifest.ParentImageId);
        Assert.Equal(full.ManifestChecksum, delta.Manifest.ParentManifestChecksum);
    }

    [Fact]
    public void A_delta_holds_only_the_designated_dataspaces_written_rounded_up_to_the_granularity()
    {
        using var host = new ComponentHost();
        var child = host.Start(SampleCatalog.Create("memory_writer"), IncrementalChainHarness.Config("sequential", workingSet: "4M", rate: 1000, intervalMs: 1000),
            new ChildOptions { Tracking = new TrackingOptions { Granularity = 64 * 1024 } });
        host.Kernel.Advance(10_000);
        host.Checkpoint(child, incremental: true);
        host.Kernel.Advance(100_000); // 100 sequential 8-byte writes: 800 bytes in one 64 KiB piece, plus the 4 KiB state page

        var delta = host.Checkpoint(child, incremental: true);

        Assert.Equal(64 * 1024 + 4096, delta.MemoryBytes);
    }

    [Fact]
    public void A_restored_child_continues_the_chain_and_the_longer_chain_restores_exactly()
    {
        var tracking = new TrackingOptions { Granularity = 16 * 1024 };
        var links = IncrementalChainHarness.Record(_dir, IncrementalChainHarness.Config("hotspot"), tracking, checkpoints: 4, seed: 3);
        var image = ImageChain.Load(links[^1].Path, SessionRecorders.Schema);
        string afterRestore, continued;
        string next = Path.Combine(_dir, "memory_writer-0005.rtcr");
        using (var host = new ComponentHost(startMicroseconds: image.Manifest.ClockMicroseconds))
        {
            var child = host.Restore(image, SampleCatalog.Create, tracking, continueChainAs: Path.GetFileName(links[^1].Path));
            afterRestore = ChildState.Dump(host, child);
            host.Kernel.Advance(2_000);
            var delta = host.Checkpoint(child, incremental: true, fileName: Path.GetFileName(next));
            Assert.True(delta.IsDelta);
            Assert.Equal(5 - 1, delta.Manifest.ChainDepth);
            Assert.True(delta.MemoryBytes < image.MemoryBytes / 2, $"a delta of the restored child holds {delta.MemoryBytes} of {image.MemoryBytes} bytes");
            ImageWriter.WriteFile(delta, next);
            continued = ChildState.Dump(host, child);
        }

        Assert.Equal(links[^1].State, afterRestore);
        Assert.Equal(5, ImageChain.Describe(next).Count);
        Assert.Equal(continued, IncrementalChainHarness.Restore(next));
    }

    [Fact]
    public void A_released_delta_lends_its_buffer_to_the_next_one_and_an_unreleased_one_keeps_its_content()
    {
        using var host = new ComponentHost();
        var child = host.Start(SampleCatalog.Create("memory_writer"), IncrementalChainHarness.Config("random"), new ChildOptions { Tracking = new TrackingOptions() });
        host.Kernel.Advance(5_000);
        host.Checkpoint(child, incremental: true);
        host.Kernel.Advance(5_000);
        var first = host.Checkpoint(child, incremental: true);
        var ws = first.Manifest.Dataspaces.Single(d => d.Size == 1024 * 1024);
        byte[] kept = first.Stored(ws).ToArray();

        host.Kernel.Advance(5_000);
        var second = host.Checkpoint(child, incremental: true); // the first is still held: its buffer is not reused
        Assert.NotSame(first.Contents[ws.Badge], second.Contents[second.Manifest.Dataspaces.Single(d => d.Size == ws.Size).Badge]);
        Assert.Equal(kept, first.Stored(ws).ToArray());

        first.ReleaseBuffers();
        second.ReleaseBuffers();
        host.Kernel.Advance(5_000);
        var third = host.Checkpoint(child, incremental: true);
        var ws3 = third.Manifest.Dataspaces.Single(d => d.Size == ws.Size);
        Assert.Same(first.Contents[ws.Badge], third.Contents[ws3.Badge]); // the kept buffer, lent again
        Assert.True(third.Contents[ws3.Badge].Length >= ws3.StoredBytes);
        Assert.Equal(third.MemoryBytes, third.Manifest.Dataspaces.Sum(d => d.StoredBytes));
    }

    [Fact]
    public void The_policy_takes_a_full_image_again_after_the_longest_chain_allowed()
    {
        var links = IncrementalChainHarness.Record(_dir, IncrementalChainHarness.Config("random"), new TrackingOptions(), checkpoints: 7, seed: 5,
            policy: new IncrementalPolicy { MaxChainLength = 2, MaxDeltaShare = 1000 });

        Assert.Equal([false, true, true, false, true, true, false], links.Select(l => l.IsDelta));
        Assert.Equal(links[5].State, IncrementalChainHarness.Restore(links[5].Path));
    }

    [Fact]
    public void Full_and_delta_images_of_an_untracked_child_are_full()
    {
        using var host = new ComponentHost();
        var child = host.Start(SampleCatalog.Create("sheep_counter"), SampleCatalog.DefaultConfig("sheep_counter"));
        host.RunTicks(child, 2);
        host.Checkpoint(child, incremental: true);
        host.RunTicks(child, 3);
        Assert.False(host.Checkpoint(child, incremental: true).IsDelta);
    }

    [Fact]
    public void A_delta_whose_parent_is_missing_is_refused_before_anything_is_created()
    {
        var links = IncrementalChainHarness.Record(_dir, IncrementalChainHarness.Config("random"), new TrackingOptions(), checkpoints: 3, seed: 11);
        File.Delete(links[1].Path);

        var ex = Assert.Throws<ImageFormatException>(() => ImageChain.Load(links[2].Path, SessionRecorders.Schema));

        Assert.Equal(ImageError.MissingParent, ex.Error);
        Assert.Contains("memory_writer-0002.rtcr", ex.Message);
    }

    [Fact]
    public void A_delta_whose_parent_was_found_by_searching_the_directory_restores()
    {
        var links = IncrementalChainHarness.Record(_dir, IncrementalChainHarness.Config("random"), new TrackingOptions(), checkpoints: 3, seed: 12);
        File.Move(links[1].Path, Path.Combine(_dir, "renamed.rtcr")); // the delta's file-name hint no longer fits

        Assert.Equal(links[2].State, IncrementalChainHarness.Restore(links[2].Path));
    }

    [Fact]
    public void A_delta_whose_parent_changed_is_refused()
    {
        var links = IncrementalChainHarness.Record(_dir, IncrementalChainHarness.Config("random"), new TrackingOptions(), checkpoints: 3, seed: 13);
        // Replace the parent by an image with the same id and other content (as a rewrite would).
        var parent = ImageReader.ReadFile(links[1].Path);
        var changed = new CheckpointImage(parent.Manifest with { ClockMicroseconds = parent.Manifest.ClockMicroseconds + 1 }, parent.Contents);
        ImageWriter.WriteFile(changed, links[1].Path);

        var ex = Assert.Throws<ImageFormatException>(() => ImageChain.Load(links[2].Path, SessionRecorders.Schema));

        Assert.Equal(ImageError.ParentMismatch, ex.Error);
        Assert.Contains("has changed", ex.Message);
    }

    [Fact]
    public void A_delta_whose_parent_belongs_to_another_child_is_refused()
    {
        string a = Path.Combine(_dir, "a"), b = Path.Combine(_dir, "b");
        Directory.CreateDirectory(a);
        Directory.CreateDirectory(b);
        var first = IncrementalChainHarness.Record(a, IncrementalChainHarness.Config("random"), new TrackingOptions(), checkpoints: 2, seed: 14);
        var other = IncrementalChainHarness.Record(b, IncrementalChainHarness.Config("random"), new TrackingOptions(), checkpoints: 1, seed: 15);
        // The other child's full image, dressed up with the id the delta looks for.
        var foreign = ImageReader.ReadFile(other[0].Path);
        var parentId = ImageReader.ReadManifest(first[0].Path).Manifest.ImageId;
        File.Delete(first[0].Path);
        ImageWriter.WriteFile(new CheckpointImage(foreign.Manifest with { ImageId = parentId }, foreign.Contents), first[0].Path);

        var ex = Assert.Throws<ImageFormatException>(() => ImageChain.Load(first[1].Path, SessionRecorders.Schema));

        Assert.Equal(ImageError.ForeignParent, ex.Error);
    }

    [Fact]
    public void Restoring_a_bare_delta_without_its_chain_is_refused_by_the_restorer()
    {
        var links = IncrementalChainHarness.Record(_dir, IncrementalChainHarness.Config("random"), new TrackingOptions(), checkpoints: 2, seed: 16);
        var delta = ImageReader.ReadFile(links[1].Path, SessionRecorders.Schema);
        using var host = new ComponentHost(startMicroseconds: delta.Manifest.ClockMicroseconds);

        var ex = Assert.Throws<Restore.RestoreException>(() => host.Restore(delta, SampleCatalog.Create));

        Assert.Contains("is a delta", ex.Message);
        Assert.Empty(host.Parent.Sessions);
    }

    [Fact]
    public void A_slice_moved_over_another_is_refused_even_with_every_checksum_intact()
    {
        // Coverage, not a sum of lengths: an 8 MiB dataspace whose second slice is replaced by a copy of the first.
        using var host = new ComponentHost();
        var child = host.Start(SampleCatalog.Create("memory_writer"), IncrementalChainHarness.Config("random", workingSet: "8M"));
        host.Kernel.Advance(20_000);
        var bytes = Images.Bytes(host.Checkpoint(child));
        var spliced = SpliceSecondSliceOverFirst(bytes, 8L * 1024 * 1024);

        var ex = Assert.Throws<ImageFormatException>(() => Images.Read(spliced));

        Assert.Equal(ImageError.Corrupted, ex.Error);
        Assert.Contains("the manifest expects", ex.Message);
    }

    // Finds the two 4 MiB slices of the dataspace of the given size and copies the first over the second.
    private static byte[] SpliceSecondSliceOverFirst(byte[] image, long dataspaceSize)
    {
        const int header = 48, chunkHeader = 32, slice = 4 * 1024 * 1024 + 16;
        var starts = new List<int>();
        for (int at = header; at + chunkHeader <= image.Length;)
        {
            uint kind = BitConverter.ToUInt32(image, at);
            long stored = BitConverter.ToInt64(image, at + 16);
            if (kind == 0xFFFF_FFFF) break;
            if (kind == 2 && stored == slice) starts.Add(at);
            at += chunkHeader + (int)stored;
        }
        Assert.True(starts.Count >= 2, $"expected two full slices of the {dataspaceSize}-byte dataspace");
        var copy = (byte[])image.Clone();
        Array.Copy(image, starts[0], copy, starts[1], chunkHeader + slice);
        return copy;
    }

    [Fact]
    public void An_image_of_format_version_1_still_restores()
    {
        string fixture = Path.Combine(AppContext.BaseDirectory, "Golden", "sheep_counter-v1.rtcr"); // format version 1
        var image = ImageChain.Load(fixture, SessionRecorders.Schema);
        using var host = new ComponentHost(startMicroseconds: image.Manifest.ClockMicroseconds);

        var child = host.Restore(image, SampleCatalog.Create);
        host.RunTicks(child, 2);

        Assert.True(string.IsNullOrEmpty(image.Manifest.ImageId));
        Assert.Equal(["[sheep_counter] 4 sheep. zzZ", "[sheep_counter] 5 sheep. zzZ"], CheckpointHarness.Lines(host).TakeLast(2));
    }

    [Fact]
    public void A_threaded_child_checkpointed_incrementally_while_it_writes_restores_to_the_state_at_each_checkpoint()
    {
        var tracking = new TrackingOptions { Granularity = 4 * 1024 };
        var states = new List<(string Path, string State)>();
        using (var host = new ComponentHost(ExecutionMode.Threaded) { IncrementalPolicy = new IncrementalPolicy { MaxChainLength = 100, MaxDeltaShare = 100 } })
        {
            var child = host.Start(SampleCatalog.Create("memory_writer"), IncrementalChainHarness.Config("random", workingSet: "2M", rate: 200_000, intervalMs: 5), new ChildOptions { Tracking = tracking });
            for (int i = 1; i <= 8; i++)
            {
                Thread.Sleep(15);
                string path = Path.Combine(_dir, $"memory_writer-{i:D4}.rtcr");
                // Held frozen, with timers held, around the checkpoint so that the dump shows exactly the checkpointed state.
                host.Kernel.Timers.Hold();
                child.Env.Domain.Freeze();
                try
                {
                    ImageWriter.WriteFile(host.Checkpoint(child, incremental: true, fileName: Path.GetFileName(path)), path);
                    states.Add((path, ChildState.Dump(host, child)));
                }
                finally
                {
                    child.Env.Domain.Thaw();
                    host.Kernel.Timers.Release();
                }
            }
            Assert.True(host.TrackerOf(child)!.Faults > 0);
        }
        // The real clock runs on while the frozen child's dump is taken; everything else must be equal.
        static string WithoutClock(string dump) => System.Text.RegularExpressions.Regex.Replace(dump, @" clock \d+\n", " clock\n");
        foreach (var (path, state) in new[] { states[^1], states[3] })
            Assert.Equal(WithoutClock(state), WithoutClock(IncrementalChainHarness.Restore(path)));
    }
}
