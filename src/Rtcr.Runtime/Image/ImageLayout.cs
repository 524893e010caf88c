namespace Rtcr.Image;

/// <summary>
/// The on-disk layout (all integers little-endian):
/// <code>
/// header  (48 bytes): magic "RTCR\r\n\x1a\n" | u16 version | u16 flags | u32 header length
///                     | u64 schema id | i64 created (unix ms) | u32 chunk count | u32 reserved
///                     | u64 XxHash64 of the 40 bytes before
/// chunk   (32 bytes + data): u32 kind | u32 codec | i64 raw length | i64 stored length
///                     | u64 XxHash3 of the stored bytes
/// ...     chunk 0 is the manifest (MemoryPack), then dataspace slices (i64 badge, i64 offset, bytes)
/// trailer: a chunk of kind End with no data; its raw length is the number of chunks before it
/// </code>
/// The magic's CR-LF and ^Z catch text-mode mangling as PNG's does.
/// </summary>
internal static class ImageLayout
{
    public static ReadOnlySpan<byte> Magic => "RTCR\r\n\u001a\n"u8;
    public const ushort FormatVersion = 1;
    public const int HeaderLength = 48;
    public const int ChunkHeaderLength = 32;
    public const int SliceHeaderLength = 16;
    /// <summary>Dataspace content is split into slices of this size: each is checksummed and compressed on its own.</summary>
    public const int SliceSize = 4 * 1024 * 1024;
    public const ushort FlagCompressed = 1;

    public const uint KindManifest = 1;
    public const uint KindDataspace = 2;
    public const uint KindEnd = 0xFFFF_FFFF;
}
