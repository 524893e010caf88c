namespace Rtcr.Image;

/// <summary>
/// The on-disk layout (all integers little-endian):
/// <code>
/// header  (48 bytes): magic "RTCR\r\n\x1a\n" | u16 version | u16 flags | u32 header length
///                     | u64 schema id | i64 created (unix ms) | u32 chunk count | u32 reserved
///                     | u64 XxHash64 of the 40 bytes before
/// chunk   (32 bytes + data): u32 kind | u32 codec | i64 raw length | i64 stored length
///                     | u64 XxHash3 of the stored bytes
/// ...     chunk 0 is the manifest (MemoryPack), then dataspace slices (i64 badge, i64 offset, bytes):
///         for each dataspace in manifest order, each stored range (the whole dataspace, or a delta's
///         ranges) cut into slices of at most SliceSize bytes, in address order — exactly the
///         sequence Slices() yields, which the reader demands
/// trailer: a chunk of kind End with no data; its raw length is the number of chunks before it
/// </code>
/// The magic's CR-LF and ^Z catch text-mode mangling as PNG's does.
/// </summary>
internal static class ImageLayout
{
    public static ReadOnlySpan<byte> Magic => "RTCR\r\n\u001a\n"u8;
    /// <summary>Version 2 added image chains (ids, parent, dataspace ranges); version 1 images are still read.</summary>
    public const ushort FormatVersion = 2;
    public const int HeaderLength = 48;
    public const int ChunkHeaderLength = 32;
    public const int SliceHeaderLength = 16;
    /// <summary>Dataspace content is split into slices of this size: each is checksummed and compressed on its own.</summary>
    public const int SliceSize = 4 * 1024 * 1024;
    public const ushort FlagCompressed = 1;
    /// <summary>Largest manifest read (sessions, capabilities and the dataspace table; far below this in practice).</summary>
    public const int MaxManifestLength = 256 * 1024 * 1024;
    /// <summary>Latest clock an image may hold: 2^53 microseconds (about 285 years), far from overflowing when timeouts are added.</summary>
    public const long MaxClockMicroseconds = 1L << 53;
    /// <summary>Largest capability space an image may ask for.</summary>
    public const int MaxCapabilitySlots = 1 << 20;
    /// <summary>Most sessions an image may hold.</summary>
    public const int MaxSessions = 1 << 16;
    /// <summary>Most dataspaces an image may hold (their slices are counted in an <c>int</c>).</summary>
    public const int MaxDataspaces = 1 << 20;

    public const uint KindManifest = 1;
    public const uint KindDataspace = 2;
    public const uint KindEnd = 0xFFFF_FFFF;

    /// <summary>
    /// The slices a dataspace is stored as: offset in the dataspace, offset in the packed content
    /// (<see cref="Checkpoint.CheckpointImage.Contents"/>), length. A dataspace of size 0 has one empty slice.
    /// </summary>
    public static IEnumerable<(long Offset, long Packed, int Length)> Slices(Checkpoint.DataspaceImage ds)
    {
        if (ds.Ranges is null && ds.Size == 0)
        {
            yield return (0, 0, 0);
            yield break;
        }
        long packed = 0;
        foreach (var range in ds.Ranges ?? [new Memory.MemoryRange(0, ds.Size)])
            for (long at = 0; at < range.Length; at += SliceSize)
            {
                int length = (int)Math.Min(SliceSize, range.Length - at);
                yield return (range.Offset + at, packed, length);
                packed += length;
            }
    }

    /// <summary>Number of slices of <paramref name="ds"/>.</summary>
    public static int SliceCount(Checkpoint.DataspaceImage ds)
    {
        if (ds.Ranges is null) return ds.Size == 0 ? 1 : (int)((ds.Size + SliceSize - 1) / SliceSize);
        int n = 0;
        foreach (var r in ds.Ranges) n += (int)((r.Length + SliceSize - 1) / SliceSize);
        return n;
    }
}
