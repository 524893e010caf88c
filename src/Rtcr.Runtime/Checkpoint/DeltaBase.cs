namespace Rtcr.Checkpoint;

/// <summary>
/// The image an incremental checkpoint is a delta of: its identity (id and manifest checksum, which
/// the delta names), where it was written, and how the child's current dataspace badges map to the
/// badges that image knows them by (they differ after a restore; null means they are the same).
/// <see cref="ContentHashes"/> holds the XxHash3 of each untracked dataspace in that image (by its
/// badge there): an untracked dataspace whose content hashes the same is not stored again.
/// </summary>
public sealed record DeltaBase(string ImageId, ulong ManifestChecksum, int ChainDepth, string? FileName = null,
    IReadOnlyDictionary<long, long>? BaseBadges = null, IReadOnlyDictionary<long, ulong>? ContentHashes = null)
{
    /// <summary>The parent of a delta taken right after <paramref name="image"/> (same child, same badges).</summary>
    public static DeltaBase Of(CheckpointImage image, string? fileName = null) =>
        new(image.Manifest.ImageId, image.ManifestChecksum, image.Manifest.ChainDepth, fileName, null, image.ContentHashes);
}
