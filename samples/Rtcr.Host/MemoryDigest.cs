using Rtcr.Node.Agent;
using Rtcr.Sessions;

namespace Rtcr.Host;

/// <summary>A digest of a child's RAM: every RAM dataspace reachable from its capability space, in slot order.</summary>
internal static class MemoryDigest
{
    // The same digest a migration compares between the paused source and the restored target.
    public static ulong Of(Child child) => ChildMemory.Digest(child);
}
