using Rtcr.Memory;

namespace Rtcr.Tracking;

/// <summary>
/// One aligned block of a tracked dataspace, cut into designated dataspaces of one size. Keeping
/// the size uniform per block makes the fault lookup two divisions and lets adaptive mode change
/// a block's size without touching the rest of the dataspace.
/// </summary>
internal sealed class TrackedBlock
{
    public TrackedBlock(long start, long length, long pieceSize)
    {
        Start = start;
        Length = length;
        PieceSize = pieceSize;
        Count = (int)((length + pieceSize - 1) / pieceSize);
        Views = new RamDataspace[Count];
        Dirty = new bool[Count];
    }

    /// <summary>Offset of the block in the dataspace.</summary>
    public long Start { get; }

    /// <summary>Bytes in the block (the last block of a dataspace may be short).</summary>
    public long Length { get; }

    /// <summary>Size of each designated dataspace (the last one may be smaller).</summary>
    public long PieceSize { get; }

    /// <summary>Number of designated dataspaces.</summary>
    public int Count { get; }

    /// <summary>The designated dataspaces, views on the backing memory.</summary>
    public RamDataspace[] Views { get; }

    /// <summary>Which designated dataspaces were touched (access) or written (write) in this epoch.</summary>
    public bool[] Dirty { get; }

    /// <summary>How many entries of <see cref="Dirty"/> are set.</summary>
    public int DirtyCount { get; set; }

    /// <summary>Consecutive epochs in which adaptive mode favoured merging.</summary>
    public int MergeVotes { get; set; }

    /// <summary>Consecutive epochs in which adaptive mode favoured splitting.</summary>
    public int SplitVotes { get; set; }

    /// <summary>Offset of designated dataspace <paramref name="i"/> in the dataspace.</summary>
    public long PieceStart(int i) => Start + i * PieceSize;

    /// <summary>Size of designated dataspace <paramref name="i"/>.</summary>
    public long PieceLength(int i) => Math.Min(PieceSize, Length - i * PieceSize);
}
