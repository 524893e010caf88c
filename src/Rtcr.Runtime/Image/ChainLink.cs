namespace Rtcr.Image;

/// <summary>One image of a chain as <see cref="ImageChain.Describe"/> reports it, oldest first.</summary>
/// <param name="Path">The image file.</param>
/// <param name="ImageId">The image's id.</param>
/// <param name="Depth">Deltas between it and the chain's full image (0 = the full image).</param>
/// <param name="StoredBytes">Bytes of memory the file holds.</param>
/// <param name="MemoryBytes">Bytes of memory of the child at that checkpoint.</param>
/// <param name="Created">When the image was written.</param>
public sealed record ChainLink(string Path, string ImageId, int Depth, long StoredBytes, long MemoryBytes, DateTimeOffset Created);
