using System.Runtime.InteropServices;

namespace Rtcr.Benchmarks.Support;

/// <summary>
/// CPU time of the calling thread (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>). In deterministic execution
/// the child's thread, the parent's fault handler and the checkpointer all run on the caller, so
/// this times their work without the time other processes on the shared cores take the CPU away.
/// </summary>
public static partial class ThreadCpuClock
{
    private const int ClockThreadCpuTimeId = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    /// <summary>Whether the clock can be read here (Linux).</summary>
    public static bool IsAvailable { get; } = OperatingSystem.IsLinux();

    /// <summary>CPU time of the calling thread in milliseconds, or NaN where it cannot be read.</summary>
    public static double NowMs()
    {
        if (!IsAvailable || ClockGetTime(ClockThreadCpuTimeId, out var t) != 0) return double.NaN;
        return t.Seconds * 1e3 + t.Nanoseconds / 1e6;
    }
}
