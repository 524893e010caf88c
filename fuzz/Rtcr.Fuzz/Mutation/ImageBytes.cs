using System.Buffers.Binary;
using System.IO.Hashing;

namespace Rtcr.Fuzz;

/// <summary>
/// The image layout as a crafter sees it (docs/image-format.md): where chunks start, and how to
/// recompute every checksum after a mutation so that only the semantic checks stand between the
/// bytes and a restore. Deliberately independent of the reader it attacks.
/// </summary>
internal static class ImageBytes
{
    public const int HeaderLength = 48;
    public const int ChunkHeaderLength = 32;
    public const int SliceHeaderLength = 16;
    public const uint KindManifest = 1;
    public const uint KindEnd = 0xFFFF_FFFF;

    /// <summary>A chunk as found in the bytes: where its header starts and how long its stored data is.</summary>
    public readonly record struct ChunkSpan(int At, uint Kind, uint Codec, long RawLength, int StoredLength)
    {
        public int DataAt => At + ChunkHeaderLength;
        public int End => DataAt + StoredLength;
    }

    /// <summary>The chunks of <paramref name="bytes"/> as far as their headers are plausible (up to and including the end marker).</summary>
    public static List<ChunkSpan> Chunks(ReadOnlySpan<byte> bytes)
    {
        var chunks = new List<ChunkSpan>();
        int at = HeaderLength;
        while (at + ChunkHeaderLength <= bytes.Length)
        {
            uint kind = BinaryPrimitives.ReadUInt32LittleEndian(bytes[at..]);
            uint codec = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(at + 4)..]);
            long raw = BinaryPrimitives.ReadInt64LittleEndian(bytes[(at + 8)..]);
            long stored = kind == KindEnd ? 0 : BinaryPrimitives.ReadInt64LittleEndian(bytes[(at + 16)..]);
            if (stored < 0 || stored > bytes.Length - at - ChunkHeaderLength) break;
            chunks.Add(new ChunkSpan(at, kind, codec, raw, (int)stored));
            if (kind == KindEnd) break;
            at += ChunkHeaderLength + (int)stored;
        }
        return chunks;
    }

    /// <summary>Recomputes the header checksum and every reachable chunk checksum in place (a crafted image).</summary>
    public static byte[] Reseal(byte[] bytes)
    {
        if (bytes.Length >= HeaderLength)
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(40), XxHash64.HashToUInt64(bytes.AsSpan(0, 40)));
        foreach (var c in Chunks(bytes))
            if (c.Kind != KindEnd)
                BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(c.At + 24), XxHash3.HashToUInt64(bytes.AsSpan(c.DataAt, c.StoredLength)));
        return bytes;
    }

    /// <summary>Replaces chunk 0 (the manifest) by <paramref name="manifest"/>, stored uncompressed, and reseals.</summary>
    public static byte[] WithManifest(byte[] image, ReadOnlySpan<byte> manifest)
    {
        var chunks = Chunks(image);
        var first = chunks[0];
        var result = new byte[image.Length - first.StoredLength + manifest.Length];
        image.AsSpan(0, first.At).CopyTo(result);
        var header = result.AsSpan(first.At, ChunkHeaderLength);
        BinaryPrimitives.WriteUInt32LittleEndian(header, KindManifest);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], 0);
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], manifest.Length);
        BinaryPrimitives.WriteInt64LittleEndian(header[16..], manifest.Length);
        manifest.CopyTo(result.AsSpan(first.DataAt));
        image.AsSpan(first.End).CopyTo(result.AsSpan(first.DataAt + manifest.Length));
        return Reseal(result);
    }
}
