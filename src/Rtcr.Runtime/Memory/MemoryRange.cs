namespace Rtcr.Memory;

/// <summary><paramref name="Length"/> bytes from <paramref name="Offset"/> within a dataspace.</summary>
public readonly record struct MemoryRange(long Offset, long Length)
{
    /// <summary>First offset after the range.</summary>
    public long End => Offset + Length;
}
