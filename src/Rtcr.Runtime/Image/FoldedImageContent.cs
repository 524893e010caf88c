using Rtcr.Checkpoint;

namespace Rtcr.Image;

/// <summary>
/// The contents of a chain folded into one full image, computed when a dataspace is filled: the
/// dataspace is followed back through its base badges to the newest link that stores it whole (or
/// to where it first appeared, zero before that), filled from there, and each newer link's ranges
/// are written over it in order. No link's content is copied into a full-size array on the way.
/// </summary>
internal sealed class FoldedImageContent(IReadOnlyList<CheckpointImage> chain) : ImageContent
{
    private readonly Dictionary<long, DataspaceImage>[] _byBadge = chain.Select(i => i.Manifest.Dataspaces.ToDictionary(d => d.Badge)).ToArray();

    /// <inheritdoc />
    public override bool Has(DataspaceImage dataspace) => _byBadge[^1].ContainsKey(dataspace.Badge);

    /// <inheritdoc />
    public override void Apply(DataspaceImage dataspace, Span<byte> destination, bool packed)
    {
        // Folded dataspaces are whole: packed and in place are the same.
        if (destination.Length != dataspace.Size)
            throw new ArgumentException($"destination has {destination.Length} bytes, dataspace {dataspace.Badge} has {dataspace.Size}", nameof(destination));
        var links = new Stack<(CheckpointImage Image, DataspaceImage Dataspace)>();
        int i = _byBadge.Length - 1;
        var ds = _byBadge[i][dataspace.Badge];
        while (true)
        {
            links.Push((chain[i], ds));
            if (ds.Ranges is null) break;
            if (ds.BaseBadge == 0 || i == 0 || !_byBadge[i - 1].TryGetValue(ds.BaseBadge, out var parent) || parent.Size != ds.Size)
            {
                destination.Clear(); // new since the parent: what the delta does not store is zero
                break;
            }
            ds = parent;
            i--;
        }
        foreach (var (image, link) in links) image.CopyContentTo(link, destination);
    }
}
