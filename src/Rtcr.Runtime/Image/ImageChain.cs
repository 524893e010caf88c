using Rtcr.Checkpoint;

namespace Rtcr.Image;

/// <summary>
/// Image chains: a full image followed by deltas, each naming its parent by id and manifest
/// checksum. Given the newest image, the chain is found (by the parent's file name first, then by
/// searching the image's directory), every link is checked — present, unchanged, same child — and
/// the chain is folded into one full image before anything is created from it.
/// </summary>
public static class ImageChain
{
    /// <summary>Longest chain followed; a longer one (or a cycle) is refused as corrupted.</summary>
    public const int MaxDepth = 10_000;

    /// <summary>The chain ending at <paramref name="newest"/>, oldest first, from the images' manifests only.</summary>
    /// <exception cref="ImageFormatException">A link is missing, changed, foreign or damaged.</exception>
    public static IReadOnlyList<ChainLink> Describe(string newest)
    {
        var links = new List<ChainLink>();
        foreach (var (path, header, manifest, _) in Walk(newest))
            links.Add(new ChainLink(path, manifest.ImageId, manifest.ChainDepth, manifest.Dataspaces.Sum(d => d.StoredBytes), manifest.Dataspaces.Sum(d => d.Size), header.Created));
        links.Reverse();
        return links;
    }

    /// <summary>
    /// Reads the image at <paramref name="newest"/> and, when it is a delta, its ancestors, validates
    /// every one fully and folds them into one full image. The result carries the newest image's
    /// manifest and identity, so a restored child can go on adding deltas to the same chain.
    /// </summary>
    /// <param name="newest">The newest image of the chain (a full image is returned as read).</param>
    /// <param name="expectedSchema">This build's session schema id; not a reason to refuse (see <see cref="ImageReader.Read"/>).</param>
    /// <param name="progress">Receives (images read, images in the chain).</param>
    /// <exception cref="ImageFormatException">A link is missing, changed, foreign or damaged.</exception>
    public static CheckpointImage Load(string newest, ulong? expectedSchema = null, IProgress<(long Done, long Total)>? progress = null)
    {
        var paths = Walk(newest).Select(l => l.Path).Reverse().ToList();
        var images = new List<CheckpointImage>(paths.Count);
        foreach (var path in paths)
        {
            images.Add(ImageReader.ReadFile(path, expectedSchema));
            progress?.Report((images.Count, paths.Count));
        }
        // The walk checked the manifests; the files may have changed since, so check the links again.
        for (int i = 1; i < images.Count; i++) CheckLink(images[i].Manifest, paths[i], images[i - 1].Manifest, images[i - 1].ManifestChecksum, paths[i - 1]);
        return Fold(images);
    }

    /// <summary>Folds a chain (oldest first: one full image, then its deltas in order) into one full image.</summary>
    /// <exception cref="ImageFormatException">The images do not form a chain.</exception>
    public static CheckpointImage Fold(IReadOnlyList<CheckpointImage> chain)
    {
        ArgumentOutOfRangeException.ThrowIfZero(chain.Count);
        if (chain[0].IsDelta)
            throw new ImageFormatException(ImageError.MissingParent, chain[0].Manifest.Label, $"the chain starts with a delta (parent {chain[0].Manifest.ParentImageId})");
        if (chain.Count == 1) return chain[0];
        for (int i = 1; i < chain.Count; i++)
        {
            var delta = chain[i];
            if (delta.Manifest.ParentImageId != chain[i - 1].Manifest.ImageId || delta.Manifest.ParentManifestChecksum != chain[i - 1].ManifestChecksum)
                throw new ImageFormatException(ImageError.ParentMismatch, delta.Manifest.Label, $"image {delta.Manifest.ImageId} is not a delta of image {chain[i - 1].Manifest.ImageId}");
            foreach (var ds in delta.Manifest.Dataspaces)
                if (!delta.HasContent(ds))
                    throw new ImageFormatException(ImageError.Corrupted, delta.Manifest.Label, $"image {delta.Manifest.ImageId} lacks the content of dataspace {ds.Badge}");
        }
        var newest = chain[^1];
        // A full image now, but with the newest image's id, depth and checksum: a delta taken of a child
        // restored from it continues the chain.
        var manifest = newest.Manifest with
        {
            Dataspaces = newest.Manifest.Dataspaces.Select(d => d with { Ranges = null, BaseBadge = 0 }).ToList(),
            ParentImageId = null,
            ParentManifestChecksum = 0,
            ParentFileName = null,
        };
        // The contents are computed when restore fills each dataspace (or Contents is asked for).
        return new CheckpointImage(manifest, new FoldedImageContent(chain.ToArray()), null, newest.ManifestChecksum);
    }

    // The chain from the newest image back to its full image, newest first, checked link by link
    // from manifests alone.
    private static List<(string Path, ImageHeaderInfo Header, ImageManifest Manifest, ulong Checksum)> Walk(string newest)
    {
        var chain = new List<(string, ImageHeaderInfo, ImageManifest, ulong)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string path = Path.GetFullPath(newest);
        while (true)
        {
            var (header, manifest, checksum) = ImageReader.ReadManifest(path);
            chain.Add((path, header, manifest, checksum));
            if (manifest.ParentImageId is null) return chain;
            if (!seen.Add(manifest.ImageId) || chain.Count > MaxDepth)
                throw new ImageFormatException(ImageError.Corrupted, path, $"the chain loops or is longer than {MaxDepth} images");
            var (parentPath, parent, parentChecksum) = FindParent(path, manifest);
            CheckLink(manifest, path, parent, parentChecksum, parentPath);
            path = parentPath;
        }
    }

    private static (string Path, ImageManifest Manifest, ulong Checksum) FindParent(string deltaPath, ImageManifest delta)
    {
        string dir = Path.GetDirectoryName(deltaPath)!;
        if (delta.ParentFileName is { } hint && Path.GetFileName(hint) == hint && TryManifest(Path.Combine(dir, hint), out var m, out var c) && m.ImageId == delta.ParentImageId)
            return (Path.Combine(dir, hint), m, c);
        foreach (var candidate in Directory.EnumerateFiles(dir, "*.rtcr").Order(StringComparer.Ordinal))
            if (TryManifest(candidate, out m, out c) && m.ImageId == delta.ParentImageId)
                return (candidate, m, c);
        throw new ImageFormatException(ImageError.MissingParent, deltaPath,
            $"this delta applies to image {delta.ParentImageId} ({delta.ParentFileName ?? "file name unknown"}), which is not in {dir}; restore needs the whole chain (or a compacted image)");
    }

    private static bool TryManifest(string path, out ImageManifest manifest, out ulong checksum)
    {
        try
        {
            (_, manifest, checksum) = ImageReader.ReadManifest(path);
            return true;
        }
        catch (Exception ex) when (ex is ImageFormatException or IOException or UnauthorizedAccessException)
        {
            // Another file in the directory that is not a readable image cannot be the parent.
            manifest = null!;
            checksum = 0;
            return false;
        }
    }

    private static void CheckLink(ImageManifest delta, string deltaPath, ImageManifest parent, ulong parentChecksum, string parentPath)
    {
        if (parent.ImageId != delta.ParentImageId)
            throw new ImageFormatException(ImageError.MissingParent, deltaPath, $"{parentPath} is image {parent.ImageId}, the delta needs {delta.ParentImageId}");
        if (parent.LineageId != delta.LineageId || parent.Label != delta.Label)
            throw new ImageFormatException(ImageError.ForeignParent, deltaPath, $"parent {parentPath} belongs to '{parent.Label}' (lineage {parent.LineageId}), the delta to '{delta.Label}' (lineage {delta.LineageId})");
        if (parentChecksum != delta.ParentManifestChecksum)
            throw new ImageFormatException(ImageError.ParentMismatch, deltaPath, $"parent {parentPath} has changed since the delta was taken (manifest checksum {parentChecksum:x16}, expected {delta.ParentManifestChecksum:x16})");
        if (parent.SchemaId != delta.SchemaId)
            throw new ImageFormatException(ImageError.SchemaMismatch, deltaPath, $"parent {parentPath} was recorded with schema {parent.SchemaId:x16}, the delta with {delta.SchemaId:x16}");
        if (delta.ChainDepth != parent.ChainDepth + 1)
            throw new ImageFormatException(ImageError.Corrupted, deltaPath, $"the delta says it is link {delta.ChainDepth}, its parent is link {parent.ChainDepth}");
    }
}
