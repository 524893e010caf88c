using Rtcr.Checkpoint;

namespace Rtcr.Image;

/// <summary>Structural checks of a manifest's dataspace table, shared by the writer and the reader.</summary>
internal static class ImageValidation
{
    /// <summary>What is wrong with a dataspace entry's size or ranges, or null when nothing is.</summary>
    public static string? RangesProblem(DataspaceImage ds)
    {
        if (ds.Size < 0 || ds.Size > Array.MaxLength) return $"dataspace {ds.Badge} has an invalid size {ds.Size}";
        if (ds.Ranges is null) return null;
        long end = 0;
        foreach (var r in ds.Ranges)
        {
            if (r.Length <= 0 || r.Offset < end || r.Offset > ds.Size - r.Length)
                return $"dataspace {ds.Badge} ({ds.Size} bytes) has a range [{r.Offset}, +{r.Length}) that is empty, overlaps the one before or lies outside it";
            end = r.End;
        }
        return null;
    }
}
