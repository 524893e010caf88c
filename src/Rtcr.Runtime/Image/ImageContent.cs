using Rtcr.Checkpoint;

namespace Rtcr.Image;

/// <summary>
/// Where an image's dataspace contents come from when they are not held as arrays: a verified
/// image file (<see cref="FileImageContent"/>) or a folded chain (<see cref="FoldedImageContent"/>).
/// Restore fills new dataspaces straight from it, without a full-size copy in between.
/// </summary>
internal abstract class ImageContent
{
    /// <summary>Whether the content of <paramref name="dataspace"/> is available.</summary>
    public abstract bool Has(DataspaceImage dataspace);

    /// <summary>
    /// Writes the stored bytes of <paramref name="dataspace"/> into <paramref name="destination"/>:
    /// each stored range at its offset in the dataspace (<paramref name="packed"/> false, destination
    /// as long as the dataspace), or one after the other (<paramref name="packed"/> true, destination
    /// as long as the stored bytes). Bytes outside the stored ranges are left as they are.
    /// </summary>
    /// <exception cref="ImageFormatException">The source changed or broke since it was verified.</exception>
    public abstract void Apply(DataspaceImage dataspace, Span<byte> destination, bool packed);
}
