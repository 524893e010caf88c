using Rtcr.EndToEnd.Tests.Harness;
using Rtcr.Image;
using Rtcr.Restore;
using Rtcr.Samples;
using Rtcr.Sessions;
using Rtcr.Tracking;

namespace Rtcr.EndToEnd.Tests;

/// <summary>
/// The pooled, streamed data path (issue 11): full checkpoints reuse one buffer per dataspace once
/// an image is released, image files are verified without loading them, and restore reads them
/// straight into the new dataspaces.
/// </summary>
public sealed class StreamedDataPathTests : IDisposable
{
    private readonly string _dir = CheckpointHarness.TempDir();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_released_full_image_lends_its_buffer_to_the_next_and_a_held_one_keeps_its_content()
    {
        using var host = new ComponentHost();
        var child = host.Start(SampleCatalog.Create("memory_writer"), IncrementalChainHarness.Config("random"));
        host.Kernel.Advance(5_000);
        var first = host.Checkpoint(child);
        var ws = first.Manifest.Dataspaces.Single(d => d.Size == 1024 * 1024);
        byte[] kept = first.Contents[ws.Badge].ToArray();

        host.Kernel.Advance(5_000);
        var second = host.Checkpoint(child); // the first is still held: its buffer is not reused
        var ws2 = second.Manifest.Dataspaces.Single(d => d.Size == ws.Size);
        Assert.NotSame(first.Contents[ws.Badge], second.Contents[ws2.Badge]);
        Assert.Equal(kept, first.Contents[ws.Badge]);
        Assert.NotEqual(kept, second.Contents[ws2.Badge]); // the child wrote in between

        first.ReleaseBuffers();
        second.ReleaseBuffers();
        host.Kernel.Advance(5_000);
        var third = host.Checkpoint(child);
        var ws3 = third.Manifest.Dataspaces.Single(d => d.Size == ws.Size);
        Assert.Same(first.Contents[ws.Badge], third.Contents[ws3.Badge]); // the kept buffer, lent again

        byte[] thirdContent = third.Contents[ws3.Badge].ToArray();
        first.ReleaseBuffers(); // a second release must not give away the buffer the third image holds
        host.Kernel.Advance(5_000);
        var fourth = host.Checkpoint(child);
        Assert.NotSame(third.Contents[ws3.Badge], fourth.Contents[fourth.Manifest.Dataspaces.Single(d => d.Size == ws.Size).Badge]);
        Assert.Equal(thirdContent, third.Contents[ws3.Badge]);
    }

    [Fact]
    public void Reading_and_restoring_an_image_file_allocates_far_less_than_its_memory_and_restores_it_exactly()
    {
        const long workingSet = 16L << 20;
        string path = Path.Combine(_dir, "big.rtcr"), before;
        using (var host = new ComponentHost())
        {
            var child = host.Start(SampleCatalog.Create("memory_writer"), IncrementalChainHarness.Config("sequential", workingSet: "16M", rate: 10_000_000));
            host.Kernel.Advance(50_000);
            var image = host.Checkpoint(child);
            ImageWriter.WriteFile(image, path);
            image.ReleaseBuffers();
            before = ChildState.Dump(host, child);
        }

        long start = GC.GetAllocatedBytesForCurrentThread();
        var read = ImageReader.ReadFile(path, SessionRecorders.Schema);
        long reading = GC.GetAllocatedBytesForCurrentThread() - start;
        using var again = new ComponentHost(startMicroseconds: read.Manifest.ClockMicroseconds);
        start = GC.GetAllocatedBytesForCurrentThread();
        var restored = again.Restore(read, SampleCatalog.Create);
        long restoring = GC.GetAllocatedBytesForCurrentThread() - start;

        Assert.True(reading < workingSet / 8, $"reading a {workingSet}-byte image allocated {reading} bytes");
        Assert.True(restoring < workingSet / 8, $"restoring a {workingSet}-byte image allocated {restoring} bytes");
        Assert.Equal(before, ChildState.Dump(again, restored));
    }

    [Theory]
    [InlineData(ImageCompression.None)]
    [InlineData(ImageCompression.Deflate)]
    [InlineData(ImageCompression.Lz4)]
    [InlineData(ImageCompression.Zstd)]
    public void A_chain_of_compressed_multi_slice_images_restores_exactly_from_the_files(ImageCompression codec)
    {
        // 9 MiB: three slices per full dataspace, so slices at offset 0 and at later offsets (decompressed in place).
        using var host = new ComponentHost { IncrementalPolicy = new IncrementalPolicy { MaxChainLength = 100, MaxDeltaShare = 100 } };
        var child = host.Start(SampleCatalog.Create("memory_writer"), IncrementalChainHarness.Config("hotspot", workingSet: "9M", rate: 1_000_000),
            new ChildOptions { Tracking = new TrackingOptions { Granularity = 16 * 1024 } });
        string newest = "", state = "";
        for (int i = 1; i <= 3; i++)
        {
            host.Kernel.Advance(7_000);
            string name = $"memory_writer-{i:D4}.rtcr";
            var image = host.Checkpoint(child, incremental: true, fileName: name);
            Assert.Equal(i > 1, image.IsDelta);
            newest = Path.Combine(_dir, name);
            ImageWriter.WriteFile(image, newest, codec);
            image.ReleaseBuffers();
            state = ChildState.Dump(host, child);
        }

        Assert.Equal(state, IncrementalChainHarness.Restore(newest));
        // Contents asked for explicitly are the same bytes restore filled in.
        var folded = ImageChain.Load(newest, SessionRecorders.Schema);
        var ws = folded.Manifest.Dataspaces.Single(d => d.Size == 9 << 20);
        var filled = new byte[ws.Size];
        folded.CopyContentTo(ws, filled);
        Assert.Equal(filled, folded.Contents[ws.Badge]);
    }

    [Fact]
    public void An_image_file_changed_in_place_after_it_was_verified_is_refused_at_restore_and_rolled_back()
    {
        string path = Path.Combine(_dir, "changed.rtcr");
        using (var host = new ComponentHost())
        {
            var child = host.Start(SampleCatalog.Create("memory_writer"), IncrementalChainHarness.Config("sequential", workingSet: "2M", rate: 1_000_000));
            host.Kernel.Advance(5_000);
            var image = host.Checkpoint(child);
            ImageWriter.WriteFile(image, path);
        }
        var verified = ImageReader.ReadFile(path, SessionRecorders.Schema);
        using (var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = file.Length - (1 << 20); // inside the last dataspace slice
            int b = file.ReadByte();
            file.Position--;
            file.WriteByte((byte)(b ^ 0x5A));
        }

        using var again = new ComponentHost(startMicroseconds: verified.Manifest.ClockMicroseconds);
        int objects = again.Kernel.Objects.Count;
        var ex = Assert.Throws<RestoreException>(() => again.Restore(verified, SampleCatalog.Create));
        var format = Assert.IsType<ImageFormatException>(ex.InnerException);
        Assert.Equal(ImageError.Corrupted, format.Error);
        Assert.Contains("changed since the image was verified", format.Message, StringComparison.Ordinal);
        Assert.True(again.Kernel.Objects.Count <= objects + 1, $"{again.Kernel.Objects.Count - objects} objects stayed behind"); // at most the empty PD
        Assert.Equal(ImageError.Corrupted, Assert.Throws<ImageFormatException>(() => ImageReader.ReadFile(path, SessionRecorders.Schema)).Error);
    }

    [Fact]
    public void A_delta_read_from_a_stream_keeps_its_dataspaces_without_dirty_pages_and_folds()
    {
        // A migration target reads images from a stream; a dataspace a delta did not touch has no
        // slices, and the reader must still hand back its (empty) content, or folding refuses the chain.
        using var host = new ComponentHost();
        var child = host.Start(SampleCatalog.Create("memory_writer"), IncrementalChainHarness.Config("random"), new ChildOptions { Tracking = new TrackingOptions() });
        host.Kernel.Advance(25_000);
        var full = host.Checkpoint(child, incremental: true);
        host.Kernel.Advance(5_000); // the writer dirties some pages, not every dataspace
        var delta = host.Checkpoint(child, incremental: true);
        string state = ChildState.Dump(host, child);
        Assert.Contains(delta.Manifest.Dataspaces, d => d.Ranges is { Count: 0 });

        var chain = new[] { full, delta }.Select(image =>
        {
            var bytes = new MemoryStream();
            ImageWriter.Write(image, bytes);
            bytes.Position = 0;
            return ImageReader.Read(bytes, "streamed", SessionRecorders.Schema);
        }).ToArray();
        var folded = ImageChain.Fold(chain);

        using var again = new ComponentHost(startMicroseconds: folded.Manifest.ClockMicroseconds);
        Assert.Equal(state, ChildState.Dump(again, again.Restore(folded, SampleCatalog.Create)));
    }
}
