using System.Globalization;
using Rtcr.Memory;

namespace Rtcr.Sessions;

/// <summary>
/// The fault state of region maps with a fault pending (a thread blocked in its fault when the
/// checkpoint froze the child), kept in the image's metadata as <c>fault:&lt;badge&gt;</c> =
/// <c>&lt;type&gt;:&lt;address&gt;</c> and put back on restore, so the restored fault handler reads
/// what the original would have read. Images without such entries restore as before.
/// </summary>
internal static class PendingFaults
{
    internal const string Prefix = "fault:";

    /// <summary>Called by the checkpointer while the child is frozen.</summary>
    public static Action<IDictionary<string, string>> Capture(Kernel kernel) => metadata =>
    {
        foreach (var map in kernel.Objects.OfType<IRegionMap>())
        {
            var state = map.Map().State();
            if (state.Type == FaultType.None) continue;
            long badge = kernel.Objects.BadgeOf(map);
            metadata[Prefix + badge.ToString(CultureInfo.InvariantCulture)] = $"{state.Type}:{state.Address.ToString(CultureInfo.InvariantCulture)}";
        }
    };

    /// <summary>Puts back the fault states of the restored region maps (maps of other children are not in <paramref name="badges"/>).</summary>
    public static void Restore(Checkpoint.ImageManifest image, IReadOnlyDictionary<long, long> badges, Kernel kernel)
    {
        foreach (var (key, value) in image.Metadata)
        {
            if (!key.StartsWith(Prefix, StringComparison.Ordinal)) continue;
            if (!long.TryParse(key.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out long old)
                || !badges.TryGetValue(old, out long badge) || !kernel.Objects.TryGet(badge, out var obj) || obj is not IRegionMap map)
                continue;
            int colon = value.IndexOf(':');
            if (colon < 0 || !Enum.TryParse<FaultType>(value.AsSpan(0, colon), out var type)
                || !long.TryParse(value.AsSpan(colon + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long address))
                throw new Restore.RestoreException($"image of '{image.Label}': '{key}' = '{value}' is not a fault state");
            map.Map().RestoreState(new RegionMapState(type, address));
        }
    }
}
