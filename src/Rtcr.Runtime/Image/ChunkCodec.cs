using System.Diagnostics.CodeAnalysis;
using System.IO.Compression;
using K4os.Compression.LZ4;

namespace Rtcr.Image;

/// <summary>Compresses and decompresses one chunk with the codec its header names.</summary>
internal static class ChunkCodec
{
    /// <summary>Highest codec id this build reads.</summary>
    public const uint MaxCodec = (uint)ImageCompression.Lz4Delta;

    [ThreadStatic] private static ZstdSharp.Compressor? t_zstd;
    [ThreadStatic] private static ZstdSharp.Decompressor? t_unzstd;

    /// <summary>
    /// Compresses <paramref name="raw"/> into <paramref name="scratch"/> (grown as needed); returns the
    /// codec used and the stored bytes, which are <paramref name="raw"/> itself when compressing did not shrink it.
    /// </summary>
    public static (uint Codec, ReadOnlyMemory<byte> Stored) Compress(ImageCompression compression, ReadOnlyMemory<byte> raw, ref byte[]? scratch)
    {
        if (compression == ImageCompression.None || raw.Length == 0) return (0, raw);
        int length;
        switch (compression)
        {
            case ImageCompression.Deflate:
            {
                var packed = new MemoryStream(raw.Length / 2 + 64);
                using (var deflate = new DeflateStream(packed, CompressionLevel.Fastest, leaveOpen: true)) deflate.Write(raw.Span);
                if (packed.Length >= raw.Length) return (0, raw);
                return (1, packed.GetBuffer().AsMemory(0, (int)packed.Length));
            }
            case ImageCompression.Lz4:
                Ensure(ref scratch, LZ4Codec.MaximumOutputSize(raw.Length));
                length = LZ4Codec.Encode(raw.Span, scratch, LZ4Level.L00_FAST);
                break;
            case ImageCompression.Lz4Delta:
                return Lz4DeltaCodec.Compress(raw, ref scratch);
            case ImageCompression.Zstd:
                Ensure(ref scratch, (int)ZstdSharp.Compressor.GetCompressBound(raw.Length));
                length = (t_zstd ??= new ZstdSharp.Compressor(1)).Wrap(raw.Span, scratch);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(compression), compression, "unknown compression");
        }
        return length <= 0 || length >= raw.Length ? (0, raw) : ((uint)compression, scratch.AsMemory(0, length));
    }

    /// <summary>Decompresses into <paramref name="raw"/>, which has the chunk's raw length; false when the data is damaged.</summary>
    public static bool TryDecompress(uint codec, ReadOnlySpan<byte> stored, Span<byte> raw)
    {
        try
        {
            switch (codec)
            {
                case 1:
                {
                    using var inflate = new DeflateStream(new MemoryStream(stored.ToArray()), CompressionMode.Decompress);
                    return inflate.ReadAtLeast(raw, raw.Length, throwOnEndOfStream: false) == raw.Length && inflate.ReadByte() == -1;
                }
                case 2:
                    return LZ4Codec.Decode(stored, raw) == raw.Length;
                case Lz4DeltaCodec.Id:
                    return Lz4DeltaCodec.TryDecompress(stored, raw);
                case 3:
                    return (t_unzstd ??= new ZstdSharp.Decompressor()).TryUnwrap(stored, raw, out int written) && written == raw.Length;
                default:
                    return false;
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or ZstdSharp.ZstdException or ArgumentException or InvalidOperationException)
        {
            // Damaged compressed data: the caller reports it as a corrupted chunk.
            return false;
        }
    }

    /// <summary>Grows <paramref name="buffer"/> to at least <paramref name="length"/> bytes (uninitialised); kept as is when large enough.</summary>
    internal static void Ensure([NotNull] ref byte[]? buffer, int length)
    {
        if (buffer is null || buffer.Length < length) buffer = GC.AllocateUninitializedArray<byte>(length);
    }
}
