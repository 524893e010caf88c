using System.Buffers.Binary;
using System.IO.Hashing;
using MemoryPack;
using Rtcr.Checkpoint;

namespace Rtcr.Image;

/// <summary>
/// Reads and fully validates an image: magic, version, header checksum, every chunk's checksum and
/// length, the manifest, and that every dataspace is complete. Any defect is an
/// <see cref="ImageFormatException"/> raised before a single object is created from the image.
/// </summary>
public static class ImageReader
{
    /// <summary>Reads an image file.</summary>
    /// <param name="path">The image file.</param>
    /// <param name="expectedSchema">This build's session schema id; not a reason to refuse (see <see cref="ImageReader.Read"/>).</param>
    /// <param name="progress">Receives (bytes of memory read, total bytes of memory) after each chunk.</param>
    public static CheckpointImage ReadFile(string path, ulong? expectedSchema = null, IProgress<(long Done, long Total)>? progress = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"image '{path}' does not exist", path);
        // Verified in one pass with a small buffer; the contents stay in the file until restore
        // reads them straight into the new dataspaces (or Contents is asked for).
        return FileImageContent.Open(path, expectedSchema, progress);
    }

    /// <summary>Reads an image file, with fault injection at <see cref="Faults.FaultPoint.ImageRead"/> (tests).</summary>
    /// <param name="path">The image file.</param>
    /// <param name="expectedSchema">When given, an image of another schema is rejected.</param>
    /// <param name="progress">Receives (bytes of memory read, total bytes of memory) after each chunk.</param>
    /// <param name="faults">Asked after every read from the file; may alter the bytes or throw.</param>
    public static CheckpointImage ReadFile(string path, ulong? expectedSchema, IProgress<(long Done, long Total)>? progress, Faults.IFaultInjector faults)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"image '{path}' does not exist", path);
        using var file = new Faults.FaultingStream(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20), faults);
        return Read(file, path, expectedSchema, progress);
    }

    /// <summary>Reads the header only (for inspection).</summary>
    public static ImageHeaderInfo ReadHeader(Stream stream, string source)
    {
        Span<byte> header = stackalloc byte[ImageLayout.HeaderLength];
        int got = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (got >= ImageLayout.Magic.Length && !header[..ImageLayout.Magic.Length].SequenceEqual(ImageLayout.Magic))
            throw new ImageFormatException(ImageError.Foreign, source, "this is not an Rtcr image (magic mismatch)");
        if (got < ImageLayout.HeaderLength)
            throw new ImageFormatException(got < ImageLayout.Magic.Length ? ImageError.Foreign : ImageError.Truncated, source, $"file has {got} bytes, the header alone needs {ImageLayout.HeaderLength}");
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(header[8..]);
        if (version > ImageLayout.FormatVersion)
            throw new ImageFormatException(ImageError.NewerVersion, source, $"format version {version} is newer than this build reads ({ImageLayout.FormatVersion}); upgrade rtcr");
        if (XxHash64.HashToUInt64(header[..40]) != BinaryPrimitives.ReadUInt64LittleEndian(header[40..]))
            throw new ImageFormatException(ImageError.Corrupted, source, "header checksum mismatch");
        if (BinaryPrimitives.ReadUInt32LittleEndian(header[12..]) != ImageLayout.HeaderLength)
            throw new ImageFormatException(ImageError.Corrupted, source, "unexpected header length");
        long created = BinaryPrimitives.ReadInt64LittleEndian(header[24..]);
        if (created < MinUnixMilliseconds || created > MaxUnixMilliseconds)
            throw new ImageFormatException(ImageError.Corrupted, source, $"the creation time {created} ms is outside the range of dates");
        return new ImageHeaderInfo(version,
            (BinaryPrimitives.ReadUInt16LittleEndian(header[10..]) & ImageLayout.FlagCompressed) != 0,
            BinaryPrimitives.ReadUInt64LittleEndian(header[16..]),
            DateTimeOffset.FromUnixTimeMilliseconds(created),
            (int)BinaryPrimitives.ReadUInt32LittleEndian(header[32..]));
    }

    private static readonly long MinUnixMilliseconds = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly long MaxUnixMilliseconds = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    /// <summary>Reads an image from a stream.</summary>
    /// <param name="stream">The image bytes.</param>
    /// <param name="source">Name used in errors.</param>
    /// <param name="expectedSchema">This build's session schema id. An image of another one is read all the same: whether its
    /// session states can be restored is decided per state by the restorer (docs/schema-compatibility.md).</param>
    /// <param name="progress">Receives (bytes of memory read, total bytes of memory) after each chunk.</param>
    public static CheckpointImage Read(Stream stream, string source, ulong? expectedSchema = null, IProgress<(long Done, long Total)>? progress = null)
    {
        var header = ReadHeader(stream, source);
        // Another schema id is not refused here: additive interface changes keep older images restorable, and the
        // restorer checks every session state against this build's interfaces before it creates anything
        // (docs/schema-compatibility.md).
        _ = expectedSchema;

        var (manifest, manifestBytes) = ReadManifestChunk(stream, source, header);

        // Every length is checked against the manifest's own limits and, where the stream knows its
        // length, against the bytes left, before any content buffer is allocated.
        long stored = CheckDataspaceTable(header, manifest, source);
        int expectedChunks = header.ChunkCount;
        var contents = new Dictionary<long, byte[]>(manifest.Dataspaces.Count);
        if (stream.CanSeek && header.Compressed == false && stored > stream.Length - stream.Position)
            throw new ImageFormatException(ImageError.Truncated, source, $"the manifest lists {stored} bytes of memory, the file has {stream.Length - stream.Position} left");

        long done = 0;
        int index = 1;
        foreach (var ds in manifest.Dataspaces)
        {
            // Allocated once the dataspace's first slice has passed its checks, not on the manifest's word alone.
            byte[]? target = null;
            // The slices must be exactly the ones the manifest implies, in order: a slice repeated,
            // moved or missing is refused (adding up lengths would accept a slice copied over another).
            foreach (var (offset, packed, length) in ImageLayout.Slices(ds))
            {
                var data = ReadChunk(stream, source, index, ImageLayout.KindDataspace);
                if (data.Length < ImageLayout.SliceHeaderLength)
                    throw new ImageFormatException(ImageError.Corrupted, source, $"chunk {index} is not a dataspace slice");
                long badge = BinaryPrimitives.ReadInt64LittleEndian(data);
                long at = BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(8));
                if (badge != ds.Badge || at != offset || data.Length - ImageLayout.SliceHeaderLength != length)
                    throw new ImageFormatException(ImageError.Corrupted, source,
                        $"chunk {index} holds {data.Length - ImageLayout.SliceHeaderLength} bytes of dataspace {badge} at {at}; the manifest expects {length} bytes of dataspace {ds.Badge} at {offset}");
                contents[ds.Badge] = target ??= GC.AllocateUninitializedArray<byte>((int)ds.StoredBytes);
                data.AsSpan(ImageLayout.SliceHeaderLength).CopyTo(target.AsSpan((int)packed));
                progress?.Report((done += length, stored));
                index++;
            }
            // A delta's dataspace without dirty pages has no slices: its (empty) content is still there.
            if (target is null) contents[ds.Badge] = [];
        }

        Span<byte> end = stackalloc byte[ImageLayout.ChunkHeaderLength];
        if (stream.ReadAtLeast(end, end.Length, throwOnEndOfStream: false) < end.Length)
            throw new ImageFormatException(ImageError.Truncated, source, "the end marker is missing");
        if (BinaryPrimitives.ReadUInt32LittleEndian(end) != ImageLayout.KindEnd || BinaryPrimitives.ReadInt64LittleEndian(end[8..]) != expectedChunks)
            throw new ImageFormatException(ImageError.Corrupted, source, "the end marker is wrong");
        return new CheckpointImage(manifest, contents, manifestBytes, XxHash64.HashToUInt64(manifestBytes));
    }

    /// <summary>
    /// Checks the manifest's dataspace table against itself and the header (ranges, duplicates,
    /// chunk count); returns the bytes of content it announces.
    /// </summary>
    internal static long CheckDataspaceTable(ImageHeaderInfo header, ImageManifest manifest, string source)
    {
        long stored = 0;
        int slices = 0;
        var seen = new HashSet<long>(manifest.Dataspaces.Count);
        foreach (var ds in manifest.Dataspaces)
        {
            if (ImageValidation.RangesProblem(ds) is { } problem) throw new ImageFormatException(ImageError.Corrupted, source, problem);
            if (!seen.Add(ds.Badge)) throw new ImageFormatException(ImageError.Corrupted, source, $"dataspace {ds.Badge} is listed twice");
            if (header.Version < 2 && ds.Ranges is not null) throw new ImageFormatException(ImageError.Corrupted, source, "a version-1 image cannot hold ranges");
            stored += ds.StoredBytes;
            slices += ImageLayout.SliceCount(ds);
        }
        if (slices + 1 != header.ChunkCount)
            throw new ImageFormatException(ImageError.Corrupted, source, $"the header announces {header.ChunkCount} chunks, the manifest's dataspaces make {slices + 1}");
        return stored;
    }

    /// <summary>
    /// Reads and checks the header and the manifest only (chain discovery and inspection): cheap
    /// even for a large image, and as strict about both as <see cref="Read"/>.
    /// </summary>
    public static (ImageHeaderInfo Header, ImageManifest Manifest, ulong ManifestChecksum) ReadManifest(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"image '{path}' does not exist", path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var header = ReadHeader(file, path);
        var (manifest, bytes) = ReadManifestChunk(file, path, header);
        return (header, manifest, XxHash64.HashToUInt64(bytes));
    }

    internal static (ImageManifest Manifest, byte[] Bytes) ReadManifestChunk(Stream stream, string source, ImageHeaderInfo header)
    {
        var manifestBytes = ReadChunk(stream, source, 0, ImageLayout.KindManifest);
        ImageManifest manifest;
        try
        {
            manifest = MemoryPackSerializer.Deserialize<ImageManifest>(manifestBytes)
                ?? throw new ImageFormatException(ImageError.Corrupted, source, "manifest is empty");
        }
        catch (Exception ex) when (ex is MemoryPackSerializationException or ArgumentException or FormatException or OverflowException or InvalidOperationException or IndexOutOfRangeException)
        {
            // MemoryPack reports damaged input through several exception types (a duplicate
            // dictionary key is an ArgumentException, a bad enum or length an overflow ...).
            throw new ImageFormatException(ImageError.Corrupted, source, $"manifest cannot be decoded: {ex.Message}");
        }
        if (ImageValidation.ManifestProblem(manifest) is { } problem) throw new ImageFormatException(ImageError.Corrupted, source, problem);
        if (manifest.SchemaId != header.SchemaId) throw new ImageFormatException(ImageError.Corrupted, source, "manifest and header disagree on the schema");
        return (manifest, manifestBytes);
    }

    private static byte[] ReadChunk(Stream stream, string source, int index, uint expectedKind)
    {
        Span<byte> header = stackalloc byte[ImageLayout.ChunkHeaderLength];
        if (stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length)
            throw new ImageFormatException(ImageError.Truncated, source, $"file ends inside chunk {index}'s header");
        uint kind = BinaryPrimitives.ReadUInt32LittleEndian(header);
        uint codec = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        long rawLength = BinaryPrimitives.ReadInt64LittleEndian(header[8..]);
        long storedLength = BinaryPrimitives.ReadInt64LittleEndian(header[16..]);
        ulong checksum = BinaryPrimitives.ReadUInt64LittleEndian(header[24..]);
        if (kind == ImageLayout.KindEnd) throw new ImageFormatException(ImageError.Truncated, source, $"image ends after {index} chunks, the header announced more");
        // The kind is checked before anything is allocated: only the manifest's and a slice's raw length are bounded.
        if (kind != expectedKind)
            throw new ImageFormatException(ImageError.Corrupted, source, expectedKind == ImageLayout.KindManifest ? "first chunk is not the manifest" : $"chunk {index} is not a dataspace slice");
        const long limit = ImageLayout.SliceSize + ImageLayout.SliceHeaderLength;
        if (rawLength < 0 || storedLength < 0 || storedLength > int.MaxValue || (kind == ImageLayout.KindManifest && rawLength > ImageLayout.MaxManifestLength) || (kind == ImageLayout.KindDataspace && rawLength > limit) || codec > ChunkCodec.MaxCodec || (codec != 0 && rawLength > int.MaxValue))
            throw new ImageFormatException(ImageError.Corrupted, source, $"chunk {index} has an invalid header");
        // Nothing is allocated for more bytes than the file has left.
        if (stream.CanSeek && storedLength > stream.Length - stream.Position)
            throw new ImageFormatException(ImageError.Truncated, source, $"chunk {index} announces {storedLength} bytes, the file has {stream.Length - stream.Position} left");
        var stored = GC.AllocateUninitializedArray<byte>((int)storedLength);
        if (stream.ReadAtLeast(stored, stored.Length, throwOnEndOfStream: false) < stored.Length)
            throw new ImageFormatException(ImageError.Truncated, source, $"file ends inside chunk {index} ({storedLength} bytes expected)");
        if (XxHash3.HashToUInt64(stored) != checksum)
            throw new ImageFormatException(ImageError.Corrupted, source, $"chunk {index} checksum mismatch");
        if (codec == 0)
        {
            if (rawLength != storedLength) throw new ImageFormatException(ImageError.Corrupted, source, $"chunk {index} length mismatch");
            return stored;
        }
        var raw = GC.AllocateUninitializedArray<byte>(checked((int)rawLength));
        if (!ChunkCodec.TryDecompress(codec, stored, raw))
            throw new ImageFormatException(ImageError.Corrupted, source, $"chunk {index} cannot be decompressed to its {rawLength} bytes");
        return raw;
    }
}
