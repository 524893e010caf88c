using Rtcr.Image;
using Rtcr.Samples;

namespace Rtcr.Sessions.Tests;

public sealed class ImageWriterCopyTests
{
    [Fact]
    public void A_raw_image_is_written_straight_from_the_checkpoint_buffers_without_a_slice_sized_staging_array()
    {
        using var host = new ComponentHost();
        var child = host.Start(SampleCatalog.Create("memory_writer"),
            "<config working_set=\"9M\" pattern=\"sequential\" rate=\"100000\" interval_ms=\"100\" seed=\"1\"/>");
        host.RunTicks(child, 1);
        var image = host.Checkpoint(child);
        ImageWriter.Write(image, Stream.Null); // first use of the writer's code paths

        long before = GC.GetAllocatedBytesForCurrentThread();
        var file = new MemoryStream(capacity: (int)image.MemoryBytes + (1 << 20));
        long stream = GC.GetAllocatedBytesForCurrentThread() - before;
        ImageWriter.Write(image, file);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before - stream;
        image.ReleaseBuffers();

        // 9 MiB of memory in three slices: a staging copy would allocate 4 MiB + 16 bytes.
        Assert.True(allocated < 256 * 1024, $"writing {image.MemoryBytes} bytes of memory allocated {allocated} bytes");
        file.Position = 0;
        var read = ImageReader.Read(file, "copy-test");
        foreach (var ds in image.Manifest.Dataspaces) Assert.Equal(image.Contents[ds.Badge], read.Contents[ds.Badge]);
    }
}
