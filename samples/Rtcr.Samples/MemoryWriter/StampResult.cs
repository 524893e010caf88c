namespace Rtcr.Samples;

/// <summary>What <see cref="StampCheck"/> found.</summary>
/// <param name="Count">The writer's write count.</param>
/// <param name="Pages">Pages checked.</param>
/// <param name="BadPages">Pages holding a wrong stamp.</param>
/// <param name="FirstBad">The first wrong page, described; null when all are right.</param>
public sealed record StampResult(long Count, long Pages, long BadPages, string? FirstBad)
{
    /// <summary>Every page holds the stamp the write count says it must.</summary>
    public bool Ok => BadPages == 0;

    /// <inheritdoc />
    public override string ToString() => Ok
        ? $"ok: {Pages} pages after {Count} writes"
        : $"FAILED: {BadPages} of {Pages} pages wrong after {Count} writes; {FirstBad}";
}
