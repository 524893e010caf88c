namespace Rtcr.Image;

/// <summary>What an image's header says.</summary>
public sealed record ImageHeaderInfo(ushort Version, bool Compressed, ulong SchemaId, DateTimeOffset Created, int ChunkCount);
