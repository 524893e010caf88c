namespace Rtcr.Memory;

/// <summary>
/// A resolved stretch of virtual addresses <c>[VaStart, VaStart + Length)</c> backed contiguously by
/// RAM starting at <see cref="Base"/>; what the translation cache holds. Immutable and a class: the
/// cache is shared by every thread of a component (entrypoint and CPU threads), and publishing a
/// reference is atomic where a multi-field struct could be read half-written (which sent writes to
/// a wrong address, seen as an AccessViolationException under load).
/// </summary>
internal sealed unsafe class Translation(long vaStart, long vaEnd, byte* @base, bool writable)
{
    /// <summary>An entry that matches no address.</summary>
    public static readonly Translation Empty = new(0, 0, null, false);

    public readonly long VaStart = vaStart;
    public readonly long VaEnd = vaEnd;
    public readonly long Length = vaEnd - vaStart;
    public readonly byte* Base = @base;
    public readonly bool Writable = writable;
}
