namespace Rtcr.Recording;

/// <summary>A recorded reference names an object that the image does not contain or that was not restored (yet).</summary>
public sealed class MissingObjectException(long badge, string context)
    : Exception($"{context}: the recorded object with badge {badge} was not restored; the image lacks it or restore order is wrong")
{
    /// <summary>The badge that could not be translated.</summary>
    public long Badge { get; } = badge;
}
