using System.Globalization;
using Rtcr.Checkpoint;
using Rtcr.Memory;
using Rtcr.Recording;
using Rtcr.Restore;

namespace Rtcr.Sessions;

/// <summary>
/// Checks of a validated restore plan that need to know core's sessions, before anything is created:
/// every RAM dataspace a RAM session's recorded <c>Alloc</c> would allocate again is in the image's
/// dataspace table with the size that allocation makes. So a crafted allocation size is refused
/// instead of allocated (the table's sizes are backed by the slices the reader checked), and a
/// dataspace whose content the image lacks is refused instead of restored as zeros.
/// </summary>
internal static class RestorePlanCheck
{
    public static void Check(ImageManifest m, IReadOnlyList<(SessionImage Image, ISessionReplayer Replayer, ISessionState State)> plan)
    {
        var table = new Dictionary<long, long>();
        foreach (var ds in m.Dataspaces) table[ds.Badge] = ds.Size;
        foreach (var (image, _, state) in plan)
        {
            if (image.Service != "RAM") continue;
            foreach (var obj in state.ToRecord().Objects)
            {
                if (obj.Creation.Method != nameof(IRamSession.Alloc)) continue;
                if (obj.Creation.Arguments.Count == 0 || !long.TryParse(obj.Creation.Arguments[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long size)
                    || size <= 0 || size > Array.MaxLength)
                    throw Refuse(m, $"RAM session '{image.Label}' recorded {obj.Creation}, which no allocation can have made");
                long rounded = (size + RegionMap.PageSize - 1) & ~(RegionMap.PageSize - 1);
                if (!table.TryGetValue(obj.Badge, out long stored))
                    throw Refuse(m, $"RAM dataspace {obj.Badge} ({rounded} bytes) is not in the image's dataspace table: its content is missing");
                if (stored != rounded)
                    throw Refuse(m, $"RAM dataspace {obj.Badge} was allocated with {rounded} bytes, the dataspace table says {stored}");
            }
        }
    }

    private static RestoreException Refuse(ImageManifest m, string problem) =>
        new($"image of '{m.Label}' refused before anything was created: {problem}");
}
