namespace Rtcr.Memory;

/// <summary>
/// A resolved stretch of virtual addresses <c>[VaStart, VaEnd)</c> backed contiguously by RAM starting
/// at <see cref="Base"/>; what the translation cache holds.
/// </summary>
internal readonly unsafe struct Translation(long vaStart, long vaEnd, byte* @base, bool writable, long generation)
{
    public readonly long VaStart = vaStart;
    public readonly long VaEnd = vaEnd;
    public readonly byte* Base = @base;
    public readonly bool Writable = writable;
    public readonly long Generation = generation;
}
