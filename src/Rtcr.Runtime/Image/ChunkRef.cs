namespace Rtcr.Image;

/// <summary>
/// One verified dataspace slice of an image file: where its chunk starts, what its header said,
/// and where its bytes go (offset in the dataspace, offset in the packed content).
/// </summary>
internal readonly record struct ChunkRef(int Index, long FileOffset, uint Codec, long RawLength, long StoredLength, ulong Checksum, long Offset, long Packed, int Length);
