using Rtcr.Recording;

namespace Rtcr.Sessions;

/// <summary>
/// The escape hatch for dataspace content. The bytes themselves are copied by the checkpointer into
/// their own image chunks (one memcpy each, checksummed, compressible, and later copied only when
/// dirty), so the state model carries only the size, which restore verifies.
/// </summary>
public sealed class DataspaceContentHook : IStateHook<IDataspace>
{
    /// <inheritdoc />
    public void Capture(IDataspace target, StateWriter writer) => writer.WriteInt64(target.Size());

    /// <inheritdoc />
    public void Restore(IDataspace target, ref StateReader reader, IReplayContext context)
    {
        long size = reader.ReadInt64();
        if (size != target.Size())
            throw new StateFormatException($"recreated dataspace has {target.Size()} bytes, the image recorded {size}");
    }
}
