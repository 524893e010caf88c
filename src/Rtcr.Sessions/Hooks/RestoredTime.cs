using Rtcr.Recording;

namespace Rtcr.Sessions;

/// <summary>
/// What hook state about time (timer due times and periods, thread wake-ups) an image may hold
/// relative to its clock. A crafted image that puts a periodic timer or a sleeping thread far
/// behind the clock would make the restored child catch up for hours in a loop (a hang), one with
/// a period near <see cref="long.MaxValue"/> would overflow into a timer that is always due; both
/// are refused while restoring (the restore is rolled back).
/// </summary>
internal static class RestoredTime
{
    /// <summary>Largest time, due time or period accepted: 2^53 microseconds (about 285 years).</summary>
    public const long MaxMicroseconds = 1L << 53;

    /// <summary>How far a timeout or wake-up may be overdue at the image's clock (a checkpoint holds the timers for its pause).</summary>
    public const long MaxOverdueMicroseconds = 10_000_000;

    /// <summary>How many periods a periodic timeout may be behind (each is fired to catch up).</summary>
    public const long MaxMissedPeriods = 1000;

    /// <summary>Checks a timer's due time (0: none), period (0: one-shot) and creation time against the clock <paramref name="now"/>.</summary>
    public static void CheckTimer(long due, long period, long created, long now)
    {
        if (due < 0 || due > MaxMicroseconds || period < 0 || period > MaxMicroseconds || created < 0 || created > now)
            throw new StateFormatException($"timer state out of range: due {due} us, period {period} us, created {created} us at clock {now} us");
        if (due == 0) return;
        long overdue = now - due;
        if (overdue > MaxOverdueMicroseconds || (period > 0 && overdue / period > MaxMissedPeriods))
            throw new StateFormatException($"a timeout due at {due} us is {overdue} us overdue at the image's clock {now} us (period {period} us); at most {MaxOverdueMicroseconds} us and {MaxMissedPeriods} periods are accepted");
    }

    /// <summary>Checks a sleeping thread's wake-up time (0: not sleeping) against the clock <paramref name="now"/>.</summary>
    public static void CheckWake(long wake, long now)
    {
        if (wake < 0 || wake > MaxMicroseconds)
            throw new StateFormatException($"thread wake-up time {wake} us is out of range");
        if (wake != 0 && now - wake > MaxOverdueMicroseconds)
            throw new StateFormatException($"a thread due to wake at {wake} us is {now - wake} us overdue at the image's clock {now} us (at most {MaxOverdueMicroseconds} us accepted)");
    }
}
