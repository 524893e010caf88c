namespace Rtcr.Memory;

/// <summary>One region of a region map: <paramref name="Size"/> bytes of a dataspace from <paramref name="Offset"/>, placed at <paramref name="Start"/>.</summary>
public sealed record Attachment(long Start, long Size, DataspaceMemory Dataspace, long Offset, bool Writable, bool Executable)
{
    /// <summary>First address after the region.</summary>
    public long End => Start + Size;
}
