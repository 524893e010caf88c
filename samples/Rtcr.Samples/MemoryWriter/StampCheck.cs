using Rtcr.Sessions;

namespace Rtcr.Samples;

/// <summary>
/// Checks the <see cref="WritePattern.Stamp"/> pattern: after <c>count</c> writes, page <c>p</c> of the
/// working set must hold the stamp of the last write that went to it, (count - 1 - p) / pages + 1 (0 when
/// no write reached it yet). A page a checkpoint, delta or migration failed to carry holds an older stamp.
/// No reference copy is needed: the write count in the state page determines every page.
/// </summary>
public static class StampCheck
{
    /// <summary>The page size the pattern stamps.</summary>
    public const long PageSize = 4096;

    /// <summary>How many pages a working set of <paramref name="workingSetSize"/> bytes has.</summary>
    public static long Pages(long workingSetSize) => Math.Max(1, workingSetSize / PageSize);

    /// <summary>The stamp page <paramref name="page"/> holds after <paramref name="count"/> writes.</summary>
    public static long Expected(long count, long pages, long page) => count > page ? (count - 1 - page) / pages + 1 : 0;

    /// <summary>
    /// Checks every page; <paramref name="stampOf"/> reads the first word of a page. Returns the result,
    /// naming the first wrong page.
    /// </summary>
    public static StampResult Verify(long count, long workingSetSize, Func<long, long> stampOf)
    {
        long pages = Pages(workingSetSize);
        long bad = 0;
        string? first = null;
        for (long p = 0; p < pages; p++)
        {
            long expected = Expected(count, pages, p), actual = stampOf(p);
            if (actual == expected) continue;
            bad++;
            first ??= $"page {p} holds stamp {actual}, expected {expected}";
        }
        return new StampResult(count, pages, bad, first);
    }

    /// <summary>
    /// Checks a <see cref="MemoryWriter"/> child's working set through its address space (freeze it first);
    /// null when the child is not a memory_writer writing the stamp pattern.
    /// </summary>
    public static StampResult? Verify(Child child)
    {
        if (child.Program is not MemoryWriter) return null;
        var memory = child.Env.Memory;
        if (memory.Read<long>(MemoryWriter.StateAddress + MemoryWriter.PatternOffset) != (long)WritePattern.Stamp) return null;
        long count = memory.Read<long>(MemoryWriter.StateAddress + MemoryWriter.CountOffset);
        long size = memory.Read<long>(MemoryWriter.StateAddress + MemoryWriter.WorkingSetSizeOffset);
        long baseAddress = memory.Read<long>(MemoryWriter.StateAddress + MemoryWriter.WorkingSetBaseOffset);
        return Verify(count, size, p => memory.Read<long>(baseAddress + p * PageSize));
    }
}
