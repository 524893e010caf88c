using Rtcr.Memory;

namespace Rtcr.Sessions;

/// <summary>Core's dataspace capability object (RAM, ROM or managed).</summary>
internal sealed class DataspaceComponent(DataspaceMemory memory, bool writable) : IDataspace
{
    public long Size() => memory.Size;

    public bool Writable() => writable;

    public DataspaceMemory Memory() => memory;
}
