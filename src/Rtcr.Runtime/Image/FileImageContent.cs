using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using Microsoft.Win32.SafeHandles;
using Rtcr.Checkpoint;

namespace Rtcr.Image;

/// <summary>
/// The contents of an image file, verified but not loaded. <see cref="Open"/> makes one pass over
/// the file that checks everything <see cref="ImageReader.Read"/> checks (header, manifest, every
/// chunk's length, checksum, decompressibility and place) with one small reused buffer, and notes
/// where each slice is. <see cref="Apply"/> then reads the slices straight into their destination
/// (compressed ones are decompressed into it), checking each chunk's checksum again: the file is
/// held open, so replacing it by rename does not matter, and a change in place is caught.
/// </summary>
internal sealed class FileImageContent : ImageContent
{
    private const int ReadBuffer = 1 << 20;
    private const int Prefix = ImageLayout.ChunkHeaderLength + ImageLayout.SliceHeaderLength;

    private readonly SafeFileHandle _file;
    private readonly string _source;
    private readonly Dictionary<long, ChunkRef[]> _slices;

    private FileImageContent(SafeFileHandle file, string source, Dictionary<long, ChunkRef[]> slices)
    {
        _file = file;
        _source = source;
        _slices = slices;
    }

    /// <summary>Opens and verifies an image file; its contents stay in the file.</summary>
    public static CheckpointImage Open(string path, ulong? expectedSchema, IProgress<(long Done, long Total)>? progress)
    {
        var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
        try
        {
            return Verify(file, path, expectedSchema, progress);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static CheckpointImage Verify(SafeFileHandle file, string source, ulong? expectedSchema, IProgress<(long Done, long Total)>? progress)
    {
        long length = RandomAccess.GetLength(file);
        // Header and manifest chunk through the stream reader's own checks, from a prefix read of the file.
        Span<byte> first = stackalloc byte[ImageLayout.HeaderLength + ImageLayout.ChunkHeaderLength];
        int got = ReadAtMost(file, first, 0);
        long manifestStored = got == first.Length ? BinaryPrimitives.ReadInt64LittleEndian(first[(ImageLayout.HeaderLength + 16)..]) : 0;
        long want = Math.Min(length, first.Length + Math.Clamp(manifestStored, 0, int.MaxValue - 2L * first.Length));
        var prefix = GC.AllocateUninitializedArray<byte>((int)Math.Max(want, got));
        ReadAtMost(file, prefix, 0);
        var stream = new MemoryStream(prefix, writable: false);
        var header = ImageReader.ReadHeader(stream, source);
        if (expectedSchema is ulong schema && header.SchemaId != schema)
            throw new ImageFormatException(ImageError.SchemaMismatch, source,
                $"recorded with session schema {header.SchemaId:x16}, this build has {schema:x16}; restore it with the build that wrote it");
        var (manifest, manifestBytes) = ImageReader.ReadManifestChunk(stream, source, header);
        long position = stream.Position;
        long total = ImageReader.CheckDataspaceTable(header, manifest, source);
        if (!header.Compressed && total > length - position)
            throw new ImageFormatException(ImageError.Truncated, source, $"the manifest lists {total} bytes of memory, the file has {length - position} left");

        var slices = new Dictionary<long, ChunkRef[]>(manifest.Dataspaces.Count);
        var buffer = ArrayPool<byte>.Shared.Rent(ReadBuffer);
        byte[]? stored = null, raw = null;
        var hash = new XxHash3();
        try
        {
            long done = 0;
            int index = 1;
            Span<byte> head = stackalloc byte[Prefix];
            foreach (var ds in manifest.Dataspaces)
            {
                var refs = new ChunkRef[ImageLayout.SliceCount(ds)];
                int n = 0;
                foreach (var (offset, packed, sliceLength) in ImageLayout.Slices(ds))
                {
                    if (ReadAtMost(file, head[..ImageLayout.ChunkHeaderLength], position) < ImageLayout.ChunkHeaderLength)
                        throw new ImageFormatException(ImageError.Truncated, source, $"file ends inside chunk {index}'s header");
                    var chunk = ParseChunkHeader(head, source, index, length - position - ImageLayout.ChunkHeaderLength);
                    long data = position + ImageLayout.ChunkHeaderLength;
                    scoped ReadOnlySpan<byte> sliceHeader;
                    hash.Reset();
                    if (chunk.Codec == 0)
                    {
                        for (long at = 0; at < chunk.Stored;)
                        {
                            int part = (int)Math.Min(buffer.Length, chunk.Stored - at);
                            if (ReadAtMost(file, buffer.AsSpan(0, part), data + at) < part)
                                throw new ImageFormatException(ImageError.Truncated, source, $"file ends inside chunk {index} ({chunk.Stored} bytes expected)");
                            if (at == 0) buffer.AsSpan(0, Math.Min(part, ImageLayout.SliceHeaderLength)).CopyTo(head[ImageLayout.ChunkHeaderLength..]);
                            hash.Append(buffer.AsSpan(0, part));
                            at += part;
                        }
                        if (hash.GetCurrentHashAsUInt64() != chunk.Checksum)
                            throw new ImageFormatException(ImageError.Corrupted, source, $"chunk {index} checksum mismatch");
                        if (chunk.Raw != chunk.Stored) throw new ImageFormatException(ImageError.Corrupted, source, $"chunk {index} length mismatch");
                        sliceHeader = head[ImageLayout.ChunkHeaderLength..];
                    }
                    else
                    {
                        Grow(ref stored, (int)chunk.Stored);
                        if (ReadAtMost(file, stored.AsSpan(0, (int)chunk.Stored), data) < chunk.Stored)
                            throw new ImageFormatException(ImageError.Truncated, source, $"file ends inside chunk {index} ({chunk.Stored} bytes expected)");
                        if (XxHash3.HashToUInt64(stored.AsSpan(0, (int)chunk.Stored)) != chunk.Checksum)
                            throw new ImageFormatException(ImageError.Corrupted, source, $"chunk {index} checksum mismatch");
                        Grow(ref raw, (int)chunk.Raw);
                        if (!ChunkCodec.TryDecompress(chunk.Codec, stored.AsSpan(0, (int)chunk.Stored), raw.AsSpan(0, (int)chunk.Raw)))
                            throw new ImageFormatException(ImageError.Corrupted, source, $"chunk {index} cannot be decompressed to its {chunk.Raw} bytes");
                        sliceHeader = raw.AsSpan(0, (int)Math.Min(chunk.Raw, ImageLayout.SliceHeaderLength));
                    }
                    if (chunk.Raw < ImageLayout.SliceHeaderLength)
                        throw new ImageFormatException(ImageError.Corrupted, source, $"chunk {index} is not a dataspace slice");
                    long badge = BinaryPrimitives.ReadInt64LittleEndian(sliceHeader);
                    long at8 = BinaryPrimitives.ReadInt64LittleEndian(sliceHeader[8..]);
                    if (badge != ds.Badge || at8 != offset || chunk.Raw - ImageLayout.SliceHeaderLength != sliceLength)
                        throw new ImageFormatException(ImageError.Corrupted, source,
                            $"chunk {index} holds {chunk.Raw - ImageLayout.SliceHeaderLength} bytes of dataspace {badge} at {at8}; the manifest expects {sliceLength} bytes of dataspace {ds.Badge} at {offset}");
                    refs[n++] = new ChunkRef(index, position, chunk.Codec, chunk.Raw, chunk.Stored, chunk.Checksum, offset, packed, sliceLength);
                    position = data + chunk.Stored;
                    progress?.Report((done += sliceLength, total));
                    index++;
                }
                slices[ds.Badge] = refs;
            }
            Span<byte> end = stackalloc byte[ImageLayout.ChunkHeaderLength];
            if (ReadAtMost(file, end, position) < end.Length)
                throw new ImageFormatException(ImageError.Truncated, source, "the end marker is missing");
            if (BinaryPrimitives.ReadUInt32LittleEndian(end) != ImageLayout.KindEnd || BinaryPrimitives.ReadInt64LittleEndian(end[8..]) != header.ChunkCount)
                throw new ImageFormatException(ImageError.Corrupted, source, "the end marker is wrong");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (stored is not null) ArrayPool<byte>.Shared.Return(stored);
            if (raw is not null) ArrayPool<byte>.Shared.Return(raw);
        }
        return new CheckpointImage(manifest, new FileImageContent(file, source, slices), manifestBytes, XxHash64.HashToUInt64(manifestBytes));
    }

    /// <inheritdoc />
    public override bool Has(DataspaceImage dataspace) => _slices.ContainsKey(dataspace.Badge);

    /// <inheritdoc />
    public override void Apply(DataspaceImage dataspace, Span<byte> destination, bool packed)
    {
        if (!_slices.TryGetValue(dataspace.Badge, out var refs))
            throw new ArgumentException($"image '{_source}' holds no dataspace {dataspace.Badge}", nameof(dataspace));
        long needed = packed ? dataspace.StoredBytes : dataspace.Size;
        if (destination.Length != needed)
            throw new ArgumentException($"destination has {destination.Length} bytes, dataspace {dataspace.Badge} needs {needed}", nameof(destination));
        Span<byte> head = stackalloc byte[Prefix];
        Span<byte> saved = stackalloc byte[ImageLayout.SliceHeaderLength];
        var hash = new XxHash3();
        byte[]? stored = null, raw = null;
        foreach (var r in refs)
        {
            int target = (int)(packed ? r.Packed : r.Offset);
            var window = destination.Slice(target, r.Length);
            int headLength = r.Codec == 0 ? Prefix : ImageLayout.ChunkHeaderLength;
            if (ReadAtMost(_file, head[..headLength], r.FileOffset) < headLength || !SameChunk(head, r))
                throw Changed(r);
            long data = r.FileOffset + ImageLayout.ChunkHeaderLength;
            if (r.Codec == 0)
            {
                var sliceHeader = head[ImageLayout.ChunkHeaderLength..];
                if (BinaryPrimitives.ReadInt64LittleEndian(sliceHeader) != dataspace.Badge || BinaryPrimitives.ReadInt64LittleEndian(sliceHeader[8..]) != r.Offset)
                    throw Changed(r);
                if (ReadAtMost(_file, window, data + ImageLayout.SliceHeaderLength) < window.Length) throw Changed(r);
                hash.Reset();
                hash.Append(sliceHeader);
                hash.Append(window);
                if (hash.GetCurrentHashAsUInt64() != r.Checksum) throw Changed(r);
                continue;
            }
            Grow(ref stored, (int)r.StoredLength);
            var packedBytes = stored.AsSpan(0, (int)r.StoredLength);
            if (ReadAtMost(_file, packedBytes, data) < packedBytes.Length || XxHash3.HashToUInt64(packedBytes) != r.Checksum) throw Changed(r);
            if (target >= ImageLayout.SliceHeaderLength)
            {
                // Decompressed in place: the slice header lands on the 16 bytes before the slice,
                // which are put back afterwards.
                var span = destination.Slice(target - ImageLayout.SliceHeaderLength, ImageLayout.SliceHeaderLength + r.Length);
                span[..ImageLayout.SliceHeaderLength].CopyTo(saved);
                bool ok = ChunkCodec.TryDecompress(r.Codec, packedBytes, span) && SliceHeaderIs(span, dataspace.Badge, r.Offset);
                saved.CopyTo(span);
                if (!ok) throw Changed(r);
            }
            else
            {
                Grow(ref raw, (int)r.RawLength);
                var span = raw.AsSpan(0, (int)r.RawLength);
                if (!ChunkCodec.TryDecompress(r.Codec, packedBytes, span) || !SliceHeaderIs(span, dataspace.Badge, r.Offset)) throw Changed(r);
                span[ImageLayout.SliceHeaderLength..].CopyTo(window);
            }
        }
        if (stored is not null) ArrayPool<byte>.Shared.Return(stored);
        if (raw is not null) ArrayPool<byte>.Shared.Return(raw);
    }

    private readonly record struct ChunkHeader(uint Kind, uint Codec, long Raw, long Stored, ulong Checksum);

    // The checks of ImageReader's chunk header, for a chunk whose data may take at most `left` bytes.
    private static ChunkHeader ParseChunkHeader(ReadOnlySpan<byte> header, string source, int index, long left)
    {
        var chunk = new ChunkHeader(BinaryPrimitives.ReadUInt32LittleEndian(header), BinaryPrimitives.ReadUInt32LittleEndian(header[4..]),
            BinaryPrimitives.ReadInt64LittleEndian(header[8..]), BinaryPrimitives.ReadInt64LittleEndian(header[16..]), BinaryPrimitives.ReadUInt64LittleEndian(header[24..]));
        if (chunk.Kind == ImageLayout.KindEnd) throw new ImageFormatException(ImageError.Truncated, source, $"image ends after {index} chunks, the header announced more");
        // Before anything is allocated for it: another kind's raw length is not bounded by a slice's.
        if (chunk.Kind != ImageLayout.KindDataspace) throw new ImageFormatException(ImageError.Corrupted, source, $"chunk {index} is not a dataspace slice");
        const long limit = ImageLayout.SliceSize + ImageLayout.SliceHeaderLength;
        if (chunk.Raw < 0 || chunk.Stored < 0 || chunk.Stored > int.MaxValue || (chunk.Kind == ImageLayout.KindDataspace && chunk.Raw > limit) || chunk.Codec > ChunkCodec.MaxCodec || (chunk.Codec != 0 && chunk.Raw > int.MaxValue))
            throw new ImageFormatException(ImageError.Corrupted, source, $"chunk {index} has an invalid header");
        if (chunk.Stored > left)
            throw new ImageFormatException(ImageError.Truncated, source, $"chunk {index} announces {chunk.Stored} bytes, the file has {left} left");
        return chunk;
    }

    private static bool SameChunk(ReadOnlySpan<byte> header, ChunkRef r) =>
        BinaryPrimitives.ReadUInt32LittleEndian(header) == ImageLayout.KindDataspace
        && BinaryPrimitives.ReadUInt32LittleEndian(header[4..]) == r.Codec
        && BinaryPrimitives.ReadInt64LittleEndian(header[8..]) == r.RawLength
        && BinaryPrimitives.ReadInt64LittleEndian(header[16..]) == r.StoredLength
        && BinaryPrimitives.ReadUInt64LittleEndian(header[24..]) == r.Checksum;

    private static bool SliceHeaderIs(ReadOnlySpan<byte> raw, long badge, long offset) =>
        BinaryPrimitives.ReadInt64LittleEndian(raw) == badge && BinaryPrimitives.ReadInt64LittleEndian(raw[8..]) == offset;

    private ImageFormatException Changed(ChunkRef r) =>
        new(ImageError.Corrupted, _source, $"chunk {r.Index} changed since the image was verified (the file was modified in place)");

    private static void Grow(ref byte[]? buffer, int length)
    {
        if (buffer is not null && buffer.Length >= length) return;
        if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
        buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
    }

    // Reads until the span is full or the file ends; returns the bytes read.
    private static int ReadAtMost(SafeFileHandle file, Span<byte> destination, long offset)
    {
        int done = 0;
        while (done < destination.Length)
        {
            int n = RandomAccess.Read(file, destination[done..], offset + done);
            if (n == 0) break;
            done += n;
        }
        return done;
    }
}
