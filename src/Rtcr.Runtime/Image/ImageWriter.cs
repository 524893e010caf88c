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
        var slice = new byte[ImageLayout.SliceHeaderLength + ImageLayout.SliceSize];
        foreach (var ds in image.Manifest.Dataspaces)
        {
            var content = image.Contents[ds.Badge];
            foreach (var (offset, packed, length) in ImageLayout.Slices(ds))
            {
                BinaryPrimitives.WriteInt64LittleEndian(slice, ds.Badge);
                BinaryPrimitives.WriteInt64LittleEndian(slice.AsSpan(8), offset);
                content.AsSpan((int)packed, length).CopyTo(slice.AsSpan(ImageLayout.SliceHeaderLength));
                WriteChunk(stream, ImageLayout.KindDataspace, slice.AsMemory(0, ImageLayout.SliceHeaderLength + length), compression, ref scratch);
                progress?.Report((done += length, total));
            }
        }
        Span<byte> end = stackalloc byte[ImageLayout.ChunkHeaderLength];
        BinaryPrimitives.WriteUInt32LittleEndian(end, ImageLayout.KindEnd);
        BinaryPrimitives.WriteInt64LittleEndian(end[8..], chunks);
        stream.Write(end);
    }

    private static void WriteChunk(Stream stream, uint kind, ReadOnlyMemory<byte> raw, ImageCompression compression, ref byte[]? scratch)
    {
        var (codec, stored) = ChunkCodec.Compress(compression, raw, ref scratch);
        Span<byte> header = stackalloc byte[ImageLayout.ChunkHeaderLength];
        BinaryPrimitives.WriteUInt32LittleEndian(header, kind);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], codec);
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], raw.Length);
        BinaryPrimitives.WriteInt64LittleEndian(header[16..], stored.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(header[24..], XxHash3.HashToUInt64(stored.Span));
        stream.Write(header);
        stream.Write(stored.Span);
    }
}
