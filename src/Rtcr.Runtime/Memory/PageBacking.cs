using System.Runtime.InteropServices;

namespace Rtcr.Memory;

/// <summary>
/// Makes the kernel back a range of memory with pages now. On Linux one
/// <c>madvise(MADV_POPULATE_WRITE)</c> does it for the whole range inside the kernel; touching
/// every page instead takes one page fault per 4 KiB, and faults are very expensive in virtual
/// machines (measured here: 64 MiB took 3.25 s by touching, 56 ms by one madvise). Elsewhere, or
/// on kernels before 5.14 (EINVAL), every page is touched.
/// </summary>
internal static unsafe partial class PageBacking
{
    private const int MadvPopulateWrite = 23;
    private const long Page = RegionMap.PageSize;
    private static bool s_populateFailed;

    /// <summary>Backs [<paramref name="memory"/>, <paramref name="memory"/> + <paramref name="size"/>) with pages; the content is unchanged where already backed.</summary>
    public static void Back(byte* memory, long size)
    {
        if (size <= 0) return;
        long start = ((long)memory + Page - 1) & ~(Page - 1);
        long end = ((long)memory + size) & ~(Page - 1);
        if (OperatingSystem.IsLinux() && !Volatile.Read(ref s_populateFailed) && end > start)
        {
            if (Madvise((nint)start, (nuint)(end - start), MadvPopulateWrite) == 0)
            {
                // The partial pages at both ends are touched (madvise works on whole pages only).
                if ((long)memory < start) Touch(memory, start - (long)memory);
                if (end < (long)memory + size) Touch((byte*)end, (long)memory + size - end);
                return;
            }
            Volatile.Write(ref s_populateFailed, true); // an older kernel: touch from now on
        }
        Touch(memory, size);
    }

    // Writing the byte back leaves the content as it was (a dataspace being backed may already hold data).
    private static void Touch(byte* memory, long size)
    {
        for (long offset = 0; offset < size; offset += Page) memory[offset] = memory[offset];
        memory[size - 1] = memory[size - 1];
    }

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static partial int Madvise(nint address, nuint length, int advice);
}
