using System.IO.Hashing;
using Google.Protobuf;
using Rtcr.Node.Protos;

namespace Rtcr.Node.Transport;

/// <summary>
/// Cuts a serialized image into <see cref="ImageChunk"/>s: each carries its offset and the XxHash64 of its
/// bytes, the last one the length and XxHash64 of the whole image, so the receiver checks every chunk and
/// the image end to end (on top of the checksums inside the image format).
/// </summary>
public static class ImageChunker
{
    /// <summary>Default chunk size: large enough that per-message overhead is small, far below message limits.</summary>
    public const int DefaultChunkBytes = 1024 * 1024;

    /// <summary>The chunks of <paramref name="image"/>; the first carries <paramref name="header"/>'s fields.</summary>
    /// <param name="image">The serialized image.</param>
    /// <param name="migrationId">The migration the image belongs to.</param>
    /// <param name="sequence">The image's place in the migration (0 = the full image).</param>
    /// <param name="chunkBytes">Bytes per chunk.</param>
    /// <param name="header">Component and source fields copied into the first chunk; may be null.</param>
    public static IEnumerable<ImageChunk> Split(ReadOnlyMemory<byte> image, string migrationId, int sequence, int chunkBytes = DefaultChunkBytes, ImageChunk? header = null)
    {
        if (chunkBytes <= 0) throw new ArgumentOutOfRangeException(nameof(chunkBytes), chunkBytes, "chunk size must be positive");
        ulong whole = XxHash64.HashToUInt64(image.Span);
        long offset = 0;
        do
        {
            int n = (int)Math.Min(chunkBytes, image.Length - offset);
            var data = image.Slice((int)offset, n);
            var chunk = new ImageChunk
            {
                MigrationId = migrationId,
                ImageSeq = sequence,
                Offset = offset,
                // The chunk only wraps the image's bytes: no copy per chunk on the sending side.
                Data = UnsafeByteOperations.UnsafeWrap(data),
                Checksum = XxHash64.HashToUInt64(data.Span),
                TotalBytes = image.Length,
            };
            if (offset == 0 && header is not null)
            {
                chunk.Component = header.Component;
                chunk.SourceNode = header.SourceNode;
                chunk.SourceAddress = header.SourceAddress;
            }
            offset += n;
            if (offset == image.Length)
            {
                chunk.Last = true;
                chunk.ImageChecksum = whole;
            }
            yield return chunk;
        }
        while (offset < image.Length);
    }
}
