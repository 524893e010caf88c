using System.Buffers.Binary;
using Rtcr.Checkpoint;
using Rtcr.Fuzz;
using Rtcr.Image;
using Rtcr.Sessions;

namespace Rtcr.EndToEnd.Tests;

/// <summary>
/// The checks of a chunk's header (kind, codec, raw and stored length) at their exact limits, through both
/// readers: the stream reader (<see cref="ImageReader.Read"/>) and the file reader (<see cref="ImageReader.ReadFile(string, ulong?, IProgress{ValueTuple{long, long}}?)"/>),
/// which checks the same header on its own. The last accepted value gets past the header check and is refused
/// by a later one with another message; one past it is "an invalid header". A chunk header is not covered by
/// a checksum, so none of these images needs resealing. Written for the mutants Stryker.NET left alive in
/// <c>ImageReader</c> and <c>FileImageContent</c>: a limit moved by one, a check dropped.
/// </summary>
public sealed class ChunkHeaderLimitTests : IDisposable
{
    private const int SliceSize = 4 * 1024 * 1024;
    private const int SliceHeaderLength = 16;
    private const uint KindDataspace = 2;
    private const uint MaxCodec = (uint)ImageCompression.Lz4Delta;

    private static readonly Lazy<SeedImage> s_sheep = new(() => SeedImage.Create("sheep_counter", "<config start=\"7\" interval_ms=\"250\"/>", 3, ImageCompression.None));

    private readonly string _dir = Directory.CreateTempSubdirectory("rtcr-chunk-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> Readers => new() { "stream", "file" };

    [Theory]
    [MemberData(nameof(Readers))]
    public void A_slice_may_announce_a_whole_slice_and_its_header_but_not_a_byte_more(string reader)
    {
        Refused(reader, ImageError.Corrupted, "chunk 1 length mismatch", Slice(raw: SliceSize + SliceHeaderLength));
        Refused(reader, ImageError.Corrupted, "chunk 1 has an invalid header", Slice(raw: SliceSize + SliceHeaderLength + 1));
    }

    [Theory]
    [MemberData(nameof(Readers))]
    public void Negative_lengths_are_an_invalid_header(string reader)
    {
        Refused(reader, ImageError.Corrupted, "chunk 1 has an invalid header", Slice(raw: -1));
        Refused(reader, ImageError.Corrupted, "chunk 1 has an invalid header", Slice(stored: -1));
    }

    [Theory]
    [MemberData(nameof(Readers))]
    public void A_stored_length_up_to_the_largest_array_is_checked_against_the_file_and_a_larger_one_is_invalid(string reader)
    {
        Refused(reader, ImageError.Truncated, $"chunk 1 announces {int.MaxValue} bytes, the file has", Slice(stored: int.MaxValue));
        Refused(reader, ImageError.Corrupted, "chunk 1 has an invalid header", Slice(stored: int.MaxValue + 1L));
    }

    [Theory]
    [MemberData(nameof(Readers))]
    public void The_last_codec_this_build_knows_is_tried_and_the_next_one_is_invalid(string reader)
    {
        // The slice's raw bytes are no LZ4 block of the announced length: the codec is accepted and the decompression fails.
        Refused(reader, ImageError.Corrupted, "chunk 1 cannot be decompressed", Slice(codec: MaxCodec));
        Refused(reader, ImageError.Corrupted, "chunk 1 has an invalid header", Slice(codec: MaxCodec + 1));
    }

    [Theory]
    [MemberData(nameof(Readers))]
    public void A_chunk_of_another_kind_where_a_slice_belongs_is_refused_before_its_announced_size_is_allocated(string reader)
    {
        // Found by these tests: a compressed chunk of an unknown kind announcing 2 GiB of raw bytes made both
        // readers allocate them before the kind was checked (any kind but a dataspace's had no raw limit).
        var bytes = Slice(kind: 7, codec: 1, raw: int.MaxValue);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Refused(reader, ImageError.Corrupted, "chunk 1 is not a dataspace slice", bytes);
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 64L << 20);
        Refused(reader, ImageError.Corrupted, "chunk 1 is not a dataspace slice", Slice(kind: 1));
    }

    [Theory]
    [MemberData(nameof(Readers))]
    public void A_manifest_chunk_may_announce_up_to_its_limit_and_not_a_byte_more(string reader)
    {
        const long maxManifest = 256L * 1024 * 1024;
        Refused(reader, ImageError.Corrupted, "chunk 0 length mismatch", Patch(0, raw: maxManifest));
        Refused(reader, ImageError.Corrupted, "chunk 0 has an invalid header", Patch(0, raw: maxManifest + 1));
        Refused(reader, ImageError.Corrupted, "first chunk is not the manifest", Patch(0, kind: KindDataspace));
    }

    [Theory]
    [MemberData(nameof(Readers))]
    public void The_untouched_image_is_read_by_both_readers(string reader)
    {
        var image = Read(reader, s_sheep.Value.Bytes);
        Assert.Equal(s_sheep.Value.Image.ManifestChecksum, image.ManifestChecksum);
        foreach (var ds in image.Manifest.Dataspaces)
        {
            var content = new byte[ds.Size];
            image.CopyContentTo(ds, content);
            Assert.Equal(s_sheep.Value.Image.Stored(ds).ToArray(), content);
        }
    }

    private static byte[] Slice(uint? kind = null, uint? codec = null, long? raw = null, long? stored = null) => Patch(1, kind, codec, raw, stored);

    // The seed with fields of chunk `index`'s header replaced.
    private static byte[] Patch(int index, uint? kind = null, uint? codec = null, long? raw = null, long? stored = null)
    {
        var bytes = (byte[])s_sheep.Value.Bytes.Clone();
        var header = bytes.AsSpan(ImageBytes.Chunks(bytes)[index].At, ImageBytes.ChunkHeaderLength);
        if (kind is { } k) BinaryPrimitives.WriteUInt32LittleEndian(header, k);
        if (codec is { } c) BinaryPrimitives.WriteUInt32LittleEndian(header[4..], c);
        if (raw is { } r) BinaryPrimitives.WriteInt64LittleEndian(header[8..], r);
        if (stored is { } s) BinaryPrimitives.WriteInt64LittleEndian(header[16..], s);
        return bytes;
    }

    private CheckpointImage Read(string reader, byte[] bytes)
    {
        if (reader == "stream") return ImageReader.Read(new MemoryStream(bytes), "crafted", SessionRecorders.Schema);
        string path = Path.Combine(_dir, $"{Guid.NewGuid():N}.rtcr");
        File.WriteAllBytes(path, bytes);
        return ImageReader.ReadFile(path, SessionRecorders.Schema);
    }

    private void Refused(string reader, ImageError error, string expected, byte[] bytes)
    {
        var ex = Assert.Throws<ImageFormatException>(() => Read(reader, bytes));
        Assert.Equal(error, ex.Error);
        Assert.Contains(expected, ex.Message);
    }
}
