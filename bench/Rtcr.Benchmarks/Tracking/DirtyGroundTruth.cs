using Rtcr.Tracking;

namespace Rtcr.Benchmarks.Tracking;

/// <summary>
/// What a child really changed in an epoch, independent of the tracker: a copy of every tracked
/// dataspace taken before the epoch is compared with the memory after it, granule by granule.
/// Every memory_writer write stores its write count, which differs from what the word held before,
/// so a changed granule is exactly a written one.
/// </summary>
public sealed class DirtyGroundTruth
{
    private readonly List<(TrackedDataspace Dataspace, byte[] Copy)> _before = new();

    /// <summary>Copies the current content of every dataspace of <paramref name="tracker"/>.</summary>
    public DirtyGroundTruth(DirtyTracker tracker)
    {
        foreach (var ds in tracker.Dataspaces)
        {
            var copy = GC.AllocateUninitializedArray<byte>(checked((int)ds.Size));
            ds.ContentRam.GetSpan(0, copy.Length).CopyTo(copy);
            _before.Add((ds, copy));
        }
    }

    /// <summary>
    /// Bytes of all <paramref name="granularity"/>-aligned granules with at least one changed byte
    /// (the last granule of a dataspace counts only its own length): the written bytes rounded up
    /// to the granularity.
    /// </summary>
    public long ChangedBytes(long granularity)
    {
        long bytes = 0;
        foreach (var (ds, copy) in _before)
        {
            var now = ds.ContentRam.GetSpan(0, copy.Length);
            for (long at = 0; at < copy.Length; at += granularity)
            {
                int length = (int)Math.Min(granularity, copy.Length - at);
                if (!now.Slice((int)at, length).SequenceEqual(copy.AsSpan((int)at, length))) bytes += length;
            }
        }
        return bytes;
    }
}
