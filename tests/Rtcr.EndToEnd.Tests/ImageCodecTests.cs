using System.Buffers.Binary;
using System.IO.Hashing;
using Rtcr.EndToEnd.Tests.Harness;
using Rtcr.Image;
using Rtcr.Samples;
using Rtcr.Sessions;

namespace Rtcr.EndToEnd.Tests;

public sealed class ImageCodecTests
{
    private static Rtcr.Checkpoint.CheckpointImage WriterImage()
    {
        using var host = new ComponentHost();
        var child = host.Start(SampleCatalog.Create("memory_writer"), IncrementalChainHarness.Config("sequential", workingSet: "6M", rate: 200_000));
        host.Kernel.Advance(50_000);
        return host.Checkpoint(child);
    }

    public static TheoryData<ImageCompression> Codecs => new() { ImageCompression.None, ImageCompression.Deflate, ImageCompression.Lz4, ImageCompression.Zstd, ImageCompression.Lz4Delta };

    [Theory]
    [MemberData(nameof(Codecs))]
    public void Every_codec_round_trips_the_memory_exactly_and_compressing_codecs_shrink_it(ImageCompression codec)
    {
        var image = WriterImage();
        var bytes = Images.Bytes(image, codec);

        var read = Images.Read(bytes);

        foreach (var ds in image.Manifest.Dataspaces) Assert.Equal(image.Contents[ds.Badge], read.Contents[ds.Badge]);
        if (codec != ImageCompression.None) Assert.True(bytes.Length < image.MemoryBytes / 2, $"{codec}: {bytes.Length} bytes for {image.MemoryBytes} bytes of memory");
    }

    [Theory]
    [InlineData(ImageCompression.Deflate)]
    [InlineData(ImageCompression.Lz4)]
    [InlineData(ImageCompression.Zstd)]
    public void Damaged_compressed_data_with_a_resealed_checksum_is_a_typed_refusal(ImageCompression codec)
    {
        var bytes = Images.Bytes(WriterImage(), codec);
        // The first compressed dataspace chunk: damage the start of its stream (frame or block header,
        // first token) and recompute its checksum, as a crafted image would. (Damaged literals inside a
        // stream decode to other content of the right length: that is a crafted image, not a broken one.)
        int at = 48;
        while (true)
        {
            uint kind = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at));
            uint used = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 4));
            int stored = (int)BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(at + 16));
            if (kind == 2 && used == (uint)codec && stored > 64)
            {
                for (int i = 0; i < 4; i++) bytes[at + 32 + i] ^= 0xA5;
                BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(at + 24), XxHash3.HashToUInt64(bytes.AsSpan(at + 32, stored)));
                break;
            }
            at += 32 + stored;
        }

        var ex = Assert.Throws<ImageFormatException>(() => Images.Read(bytes));

        Assert.Equal(ImageError.Corrupted, ex.Error);
    }

    [Fact]
    public void An_unknown_codec_id_is_refused()
    {
        var bytes = Images.Bytes(WriterImage(), ImageCompression.Lz4);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(48 + 4), 9); // the manifest chunk's codec

        var ex = Assert.Throws<ImageFormatException>(() => Images.Read(bytes));

        Assert.Contains("invalid header", ex.Message);
    }
}
