using Rtcr.Memory;

namespace Rtcr.Sessions;

/// <summary>A dataspace capability (RAM, ROM or managed). Its content is captured by <see cref="DataspaceContentHook"/>.</summary>
[RtcrRpcObject]
[CapturedBy(typeof(DataspaceContentHook))]
public interface IDataspace
{
    /// <summary>Size in bytes.</summary>
    [Query] long Size();

    /// <summary>Whether clients may write it.</summary>
    [Query] bool Writable();

    /// <summary>The memory behind the capability.</summary>
    [Query] DataspaceMemory Memory();
}
