using System.IO.Hashing;
using Rtcr.Memory;
using Rtcr.Sessions;

namespace Rtcr.Host;

/// <summary>A digest of a child's RAM: every RAM dataspace reachable from its capability space, in slot order.</summary>
internal static class MemoryDigest
{
    public static ulong Of(Child child)
    {
        var hash = new XxHash64();
        var pd = child.Env.Domain;
        foreach (var (index, badge) in pd.Caps.Snapshot())
        {
            if (!pd.Kernel.Objects.TryGet(badge, out var obj) || SessionInspector.Instance.MemoryOf(obj)?.ContentRam is not { IsFreed: false } ram) continue;
            hash.Append(BitConverter.GetBytes(index));
            hash.Append(ram.GetSpan(0, (int)ram.Size));
        }
        return hash.GetCurrentHashAsUInt64();
    }
}
