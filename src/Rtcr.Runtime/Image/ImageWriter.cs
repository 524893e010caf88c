using System.Buffers.Binary;
using System.IO.Hashing;
using MemoryPack;
using Rtcr.Checkpoint;

namespace Rtcr.Image;

/// <summary>Writes a <see cref="CheckpointImage"/> in the image format (<see cref="ImageLayout"/>).</summary>
public static class ImageWriter
{
    /// <summary>
    /// Writes the image to <paramref name="path"/> atomically (<see cref="AtomicFile"/>): into a temporary
    /// file in the same directory, flushed to disk, then renamed over the target. A failure leaves any
    /// previous image at that path untouched.
    /// </summary>
    /// <param name="image">The image.</param>
    /// <param name="path">Target file.</param>
    /// <param name="compression">Chunk compression.</param>
    /// <param name="progress">Receives (bytes of memory written, total bytes of memory) after each chunk.</param>
    public static void WriteFile(CheckpointImage image, string path, ImageCompression compression = ImageCompression.None, IProgress<(long Done, long Total)>? progress = null) =>
        WriteFile(image, path, compression, progress, faults: null);

    /// <summary>Writes the image to <paramref name="path"/> atomically (see <see cref="AtomicFile"/>), with fault injection.</summary>
    /// <param name="image">The image.</param>
    /// <param name="path">Target file.</param>
    /// <param name="compression">Chunk compression.</param>
    /// <param name="progress">Receives (bytes of memory written, total bytes of memory) after each chunk.</param>
    /// <param name="faults">Fault injection (tests); none when null.</param>
    /// <exception cref="IOException">Writing, flushing or renaming failed; the previous image at <paramref name="path"/> is untouched.</exception>
    public static void WriteFile(CheckpointImage image, string path, ImageCompression compression, IProgress<(long Done, long Total)>? progress, Faults.IFaultInjector? faults) =>
        AtomicFile.Write(path, stream => Write(image, stream, compression, progress), faults);

    /// <summary>Writes the image to a stream.</summary>
    /// <param name="image">The image.</param>
    /// <param name="stream">Where to write.</param>
    /// <param name="compression">Chunk compression.</param>
    /// <param name="progress">Receives (bytes of memory written, total bytes of memory) after each chunk.</param>
    public static void Write(CheckpointImage image, Stream stream, ImageCompression compression = ImageCompression.None, IProgress<(long Done, long Total)>? progress = null)
    {
        foreach (var ds in image.Manifest.Dataspaces)
        {
            if (ImageValidation.RangesProblem(ds) is { } problem)
                throw new ArgumentException($"image of '{image.Manifest.Label}': {problem}; nothing was written", nameof(image));
            if (!image.Contents.TryGetValue(ds.Badge, out var c) || (ds.Ranges is null ? c.Length != ds.Size : c.Length < ds.StoredBytes))
                throw new ArgumentException($"image of '{image.Manifest.Label}' lists dataspace {ds.Badge} ({ds.StoredBytes} bytes stored) without matching content; nothing was written", nameof(image));
        }
        long total = image.MemoryBytes, done = 0;
        var manifest = image.ManifestBytes;
        int chunks = 1;
        foreach (var ds in image.Manifest.Dataspaces) chunks += ImageLayout.SliceCount(ds);

        Span<byte> header = stackalloc byte[ImageLayout.HeaderLength];
        ImageLayout.Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], ImageLayout.FormatVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(header[10..], compression == ImageCompression.None ? (ushort)0 : ImageLayout.FlagCompressed);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], ImageLayout.HeaderLength);
        BinaryPrimitives.WriteUInt64LittleEndian(header[16..], image.Manifest.SchemaId);
        BinaryPrimitives.WriteInt64LittleEndian(header[24..], DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteUInt32LittleEndian(header[32..], (uint)chunks);
        BinaryPrimitives.WriteUInt64LittleEndian(header[40..], XxHash64.HashToUInt64(header[..40]));
        stream.Write(header);

        byte[]? scratch = null;
        WriteChunk(stream, ImageLayout.KindManifest, manifest, compression, ref scratch);
        // Compression needs the slice header and its bytes in one buffer and is done for several
        // slices at once (SliceCompressor); a raw slice is written straight from the content (the
        // checkpoint's pooled buffer), without a copy.
        var compressor = compression == ImageCompression.None ? null : new SliceCompressor(compression, SliceCompressor.DefaultWidth);
        void WriteCompressed(uint codec, int rawLength, ReadOnlyMemory<byte> stored)
        {
            WriteChunkHeader(stream, ImageLayout.KindDataspace, codec, rawLength, stored.Span);
            stream.Write(stored.Span);
            progress?.Report((done += rawLength - ImageLayout.SliceHeaderLength, total));
        }
        foreach (var ds in image.Manifest.Dataspaces)
        {
            var content = image.Contents[ds.Badge];
            foreach (var (offset, packed, length) in ImageLayout.Slices(ds))
            {
                if (compressor is null)
                {
                    WriteRawSlice(stream, ds.Badge, offset, content.AsSpan((int)packed, length));
                    progress?.Report((done += length, total));
                    continue;
                }
                if (compressor.Full) compressor.Drain(WriteCompressed);
                compressor.Add(ds.Badge, offset, content.AsSpan((int)packed, length));
            }
        }
        compressor?.Drain(WriteCompressed);
        Span<byte> end = stackalloc byte[ImageLayout.ChunkHeaderLength];
        BinaryPrimitives.WriteUInt32LittleEndian(end, ImageLayout.KindEnd);
        BinaryPrimitives.WriteInt64LittleEndian(end[8..], chunks);
        stream.Write(end);
    }

    // The same bytes as WriteChunk of (badge, offset, data) uncompressed, hashed in two parts.
    private static void WriteRawSlice(Stream stream, long badge, long offset, ReadOnlySpan<byte> data)
    {
        Span<byte> header = stackalloc byte[ImageLayout.ChunkHeaderLength + ImageLayout.SliceHeaderLength];
        var sliceHeader = header[ImageLayout.ChunkHeaderLength..];
        BinaryPrimitives.WriteInt64LittleEndian(sliceHeader, badge);
        BinaryPrimitives.WriteInt64LittleEndian(sliceHeader[8..], offset);
        var hash = new XxHash3();
        hash.Append(sliceHeader);
        hash.Append(data);
        long length = ImageLayout.SliceHeaderLength + data.Length;
        BinaryPrimitives.WriteUInt32LittleEndian(header, ImageLayout.KindDataspace);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], 0);
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], length);
        BinaryPrimitives.WriteInt64LittleEndian(header[16..], length);
        BinaryPrimitives.WriteUInt64LittleEndian(header[24..], hash.GetCurrentHashAsUInt64());
        stream.Write(header);
        stream.Write(data);
    }

    private static void WriteChunk(Stream stream, uint kind, ReadOnlyMemory<byte> raw, ImageCompression compression, ref byte[]? scratch)
    {
        var (codec, stored) = ChunkCodec.Compress(compression, raw, ref scratch);
        WriteChunkHeader(stream, kind, codec, raw.Length, stored.Span);
        stream.Write(stored.Span);
    }

    private static void WriteChunkHeader(Stream stream, uint kind, uint codec, long rawLength, ReadOnlySpan<byte> stored)
    {
        Span<byte> header = stackalloc byte[ImageLayout.ChunkHeaderLength];
        BinaryPrimitives.WriteUInt32LittleEndian(header, kind);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], codec);
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], rawLength);
        BinaryPrimitives.WriteInt64LittleEndian(header[16..], stored.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(header[24..], XxHash3.HashToUInt64(stored));
        stream.Write(header);
    }
}
