using System.IO.Hashing;
using Rtcr.Sessions;

namespace Rtcr.Node.Agent;

/// <summary>
/// A child's RAM seen from its capability space: every RAM dataspace reachable from it, in slot order.
/// Source and target compute the same digest when the restored memory equals the checkpointed memory.
/// </summary>
public static class ChildMemory
{
    /// <summary>XxHash64 over (slot index, content) of every live RAM dataspace.</summary>
    public static ulong Digest(Child child)
    {
        var hash = new XxHash64();
        var index = new byte[sizeof(int)];
        Visit(child, (slot, content) =>
        {
            BitConverter.TryWriteBytes(index, slot);
            hash.Append(index);
            hash.Append(content);
        });
        return hash.GetCurrentHashAsUInt64();
    }

    /// <summary>Bytes of RAM the child holds.</summary>
    public static long Bytes(Child child)
    {
        long total = 0;
        Visit(child, (_, content) => total += content.Length);
        return total;
    }

    private delegate void ContentVisitor(int slot, ReadOnlySpan<byte> content);

    private static void Visit(Child child, ContentVisitor visit)
    {
        var pd = child.Env.Domain;
        foreach (var (slot, badge) in pd.Caps.Snapshot())
        {
            if (!pd.Kernel.Objects.TryGet(badge, out var obj) || SessionInspector.Instance.MemoryOf(obj)?.ContentRam is not { IsFreed: false } ram) continue;
            visit(slot, ram.GetSpan(0, (int)ram.Size));
        }
    }
}
