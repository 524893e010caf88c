using System.Buffers.Binary;
using System.IO.Hashing;
using Rtcr.EndToEnd.Tests.Harness;
using Rtcr.Host;
using Rtcr.Image;
using Rtcr.Samples;
using Rtcr.Sessions;

namespace Rtcr.EndToEnd.Tests;

/// <summary>
/// Images written with <see cref="ImageCompression.Lz4Delta"/> (LZ4 after a 64-bit word-delta filter, per chunk):
/// a memory_writer working set written once over (word i holds i) is stored filtered, restores to the same
/// memory in this process and through the CLI, and a damaged, cut or mislabelled filtered chunk is refused.
/// </summary>
public sealed class Lz4DeltaImageTests
{
    private const long WorkingSet = 6L << 20;
    // The image format's numbers (docs/image-format.md; ImageLayout is internal to the runtime).
    private const int HeaderLength = 48, ChunkHeaderLength = 32, SliceSize = 4 << 20;
    private const uint KindDataspace = 2, KindEnd = 0xFFFF_FFFF;
    private static readonly string s_config = $"<config working_set=\"{WorkingSet}\" pattern=\"sequential\" rate=\"1000000000\" interval_ms=\"100\" seed=\"1\"/>";

    // A host whose memory_writer has written every word of its working set once.
    private static (ComponentHost Host, Child Child) FilledWriter()
    {
        var host = new ComponentHost();
        var child = host.Start(SampleCatalog.Create("memory_writer"), s_config, new ChildOptions { RamQuota = WorkingSet + (16L << 20) });
        for (long tick = 1; child.Env.Memory.Read<long>(MemoryWriter.StateAddress) < WorkingSet / sizeof(long); tick++) host.RunTicks(child, tick);
        return (host, child);
    }

    private static byte[] FilledImage(ImageCompression compression)
    {
        var (host, child) = FilledWriter();
        using (host) return Images.Bytes(host.Checkpoint(child), compression);
    }

    // (offset of the chunk header, kind, codec, raw length, stored length) of every chunk before the end marker.
    private static List<(int At, uint Kind, uint Codec, long Raw, int Stored)> Chunks(byte[] bytes)
    {
        var chunks = new List<(int, uint, uint, long, int)>();
        for (int at = HeaderLength; ;)
        {
            uint kind = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at));
            if (kind == KindEnd) return chunks;
            int stored = (int)BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(at + 16));
            chunks.Add((at, kind, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 4)), BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(at + 8)), stored));
            at += ChunkHeaderLength + stored;
        }
    }

    private static (int At, uint Kind, uint Codec, long Raw, int Stored) FirstFiltered(byte[] bytes) =>
        Chunks(bytes).First(c => c.Kind == KindDataspace && c.Codec == Lz4DeltaCodecId);

    private const uint Lz4DeltaCodecId = (uint)ImageCompression.Lz4Delta;

    private static void Reseal(byte[] bytes, int at, int stored) =>
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(at + 24), XxHash3.HashToUInt64(bytes.AsSpan(at + ChunkHeaderLength, stored)));

    [Fact]
    public void A_filled_working_set_is_stored_filtered_far_smaller_than_plain_lz4_and_restores_to_the_same_memory()
    {
        var (host, child) = FilledWriter();
        string dir = CheckpointHarness.TempDir();
        try
        {
            string path = Path.Combine(dir, "image.rtcr");
            ulong digest;
            long lz4;
            using (host)
            {
                var image = host.Checkpoint(child);
                digest = MemoryDigest.Of(child);
                lz4 = Images.Bytes(image, ImageCompression.Lz4).Length;
                ImageWriter.WriteFile(image, path, ImageCompression.Lz4Delta);
            }
            var bytes = File.ReadAllBytes(path);
            var chunks = Chunks(bytes);

            // The working set's 4 MiB slices are filtered; the manifest (MemoryPack) is not word data.
            Assert.True(chunks.Count(c => c.Codec == Lz4DeltaCodecId) >= (int)(WorkingSet / SliceSize), string.Join(", ", chunks.Select(c => c.Codec)));
            Assert.NotEqual(Lz4DeltaCodecId, chunks[0].Codec);
            Assert.True(bytes.Length * 10 < lz4, $"lz4-delta {bytes.Length} bytes, lz4 {lz4}");
            var read = ImageReader.ReadFile(path, SessionRecorders.Schema);
            using var again = new ComponentHost(startMicroseconds: read.Manifest.ClockMicroseconds);
            var restored = again.Restore(read, SampleCatalog.Create);
            Assert.Equal(digest, MemoryDigest.Of(restored));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Contents_read_back_equal_the_checkpoint_with_lz4_delta_and_with_every_older_codec()
    {
        var (host, child) = FilledWriter();
        using (host)
        {
            var image = host.Checkpoint(child);
            foreach (var codec in new[] { ImageCompression.Lz4Delta, ImageCompression.Lz4, ImageCompression.Zstd, ImageCompression.Deflate, ImageCompression.None })
            {
                var read = Images.Read(Images.Bytes(image, codec));
                foreach (var ds in image.Manifest.Dataspaces) Assert.Equal(image.Contents[ds.Badge], read.Contents[ds.Badge]);
            }
        }
    }

    [Fact]
    public void A_damaged_filtered_chunk_with_a_resealed_checksum_is_refused_as_corrupted()
    {
        var bytes = FilledImage(ImageCompression.Lz4Delta);
        var (at, _, _, _, stored) = FirstFiltered(bytes);
        for (int i = 0; i < 4; i++) bytes[at + ChunkHeaderLength + i] ^= 0xA5;
        Reseal(bytes, at, stored);

        var ex = Assert.Throws<ImageFormatException>(() => Images.Read(bytes));

        Assert.Equal(ImageError.Corrupted, ex.Error);
    }

    [Fact]
    public void A_filtered_chunk_cut_short_with_its_lengths_and_checksum_fixed_up_is_refused_as_corrupted()
    {
        var bytes = FilledImage(ImageCompression.Lz4Delta);
        var (at, _, _, _, stored) = FirstFiltered(bytes);
        // Drop the block's last byte and make the header and checksum agree with what is left.
        int cut = at + ChunkHeaderLength + stored - 1;
        var shorter = bytes.AsSpan(0, cut).ToArray().Concat(bytes.AsSpan(cut + 1).ToArray()).ToArray();
        BinaryPrimitives.WriteInt64LittleEndian(shorter.AsSpan(at + 16), stored - 1);
        Reseal(shorter, at, stored - 1);

        var ex = Assert.Throws<ImageFormatException>(() => Images.Read(shorter));

        Assert.Equal(ImageError.Corrupted, ex.Error);
        Assert.Contains("cannot be decompressed", ex.Message);
    }

    [Fact]
    public void A_file_that_ends_inside_a_filtered_chunk_is_refused_as_truncated()
    {
        var bytes = FilledImage(ImageCompression.Lz4Delta);
        var (at, _, _, _, stored) = FirstFiltered(bytes);

        var ex = Assert.Throws<ImageFormatException>(() => Images.Read(bytes.AsSpan(0, at + ChunkHeaderLength + stored / 2).ToArray()));

        Assert.Equal(ImageError.Truncated, ex.Error);
    }

    [Theory]
    [InlineData(-8)]
    [InlineData(8)]
    [InlineData(1L << 40)]
    public void A_filtered_chunk_that_claims_another_raw_length_is_refused_before_or_while_decoding(long change)
    {
        var bytes = FilledImage(ImageCompression.Lz4Delta);
        var (at, _, _, raw, _) = FirstFiltered(bytes);
        // The checksum covers the stored bytes only: a changed raw length must be caught by decoding (or the header limits).
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(at + 8), raw + change);

        var ex = Assert.Throws<ImageFormatException>(() => Images.Read(bytes));

        Assert.Equal(ImageError.Corrupted, ex.Error);
    }

    [Fact]
    public void The_cli_writes_lz4_delta_by_default_with_compress_and_restores_the_same_memory()
    {
        string dir = CheckpointHarness.TempDir();
        try
        {
            string config = Path.Combine(dir, "config.xml");
            File.WriteAllText(config, $"<config working_set=\"{4 << 20}\" pattern=\"sequential\" rate=\"1000000000\" interval_ms=\"100\" seed=\"1\"/>");
            var uninterrupted = Cli.RunOk("run", "memory_writer", "--config", config, "--ticks", "3", "--virtual-time", "--digest", "--plain");
            Cli.RunOk("run", "memory_writer", "--config", config, "--ticks", "2", "--virtual-time", "--checkpoint-every", "2", "--out", dir, "--compress", "--plain");
            string image = Path.Combine(dir, "memory_writer-0001.rtcr");
            var restored = Cli.RunOk("restore", image, "--ticks", "1", "--virtual-time", "--digest", "--plain");

            Assert.Contains(Chunks(File.ReadAllBytes(image)), c => c.Codec == Lz4DeltaCodecId);
            Assert.NotNull(uninterrupted.Digest);
            Assert.Equal(uninterrupted.Digest, restored.Digest);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void The_fuzzer_has_a_seed_whose_slices_are_stored_filtered()
    {
        var seed = Rtcr.Fuzz.SeedImage.Standard().Single(s => s.Name == "memory_writer/Lz4Delta");

        Assert.Contains(Chunks(seed.Bytes), c => c.Kind == KindDataspace && c.Codec == Lz4DeltaCodecId);
    }

    [Fact]
    public void The_cli_names_lz4_delta_among_the_codecs_it_accepts()
    {
        var r = Cli.Run("run", "memory_writer", "--ticks", "1", "--virtual-time", "--compress", "--codec", "lz5");

        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("lz4-delta", r.Stdout + r.Stderr);
    }
}
