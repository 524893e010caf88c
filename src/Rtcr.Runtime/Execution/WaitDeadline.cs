using System.Diagnostics;

namespace Rtcr.Execution;

/// <summary>
/// The end of a bounded wait on a monitor: waits of a freeze that share one timeout (every thread of a
/// PD, then its entrypoint) all end at the same instant instead of each getting the whole timeout.
/// </summary>
internal readonly struct WaitDeadline
{
    private readonly long _at; // Stopwatch timestamp; long.MaxValue = no limit

    private WaitDeadline(long at) => _at = at;

    /// <summary>A deadline <paramref name="timeout"/> from now; <see cref="Timeout.InfiniteTimeSpan"/> never passes.</summary>
    public static WaitDeadline After(TimeSpan timeout) =>
        new(timeout == Timeout.InfiniteTimeSpan ? long.MaxValue
            : Stopwatch.GetTimestamp() + (long)Math.Min(timeout.TotalSeconds * Stopwatch.Frequency, long.MaxValue / 2));

    /// <summary>
    /// Waits on <paramref name="monitor"/> (held by the caller) until pulsed or the deadline passes;
    /// returns false, without waiting, once it has passed.
    /// </summary>
    public bool Wait(object monitor)
    {
        if (_at == long.MaxValue)
        {
            Monitor.Wait(monitor);
            return true;
        }
        long left = _at - Stopwatch.GetTimestamp();
        if (left <= 0) return false;
        Monitor.Wait(monitor, TimeSpan.FromSeconds((double)left / Stopwatch.Frequency));
        return true;
    }
}
