using Rtcr.Recording;

namespace Rtcr.Sessions;

/// <summary>
/// What hook state about time (timer due times and periods, thread wake-ups) an image may hold
/// relative to its clock. A crafted image that puts a periodic timer millions of periods behind the
/// clock would make the restored child catch up for hours in a loop (a hang), one with a period near
/// <see cref="long.MaxValue"/> would overflow into a timer that is always due; both are refused while
/// restoring (the restore is rolled back). How far behind a timeout or wake-up is in <em>time</em> is
/// not limited: a host starved for longer than any fixed limit (the soak test's 220 children at load
/// 48 lagged 13.6 s) writes genuine images like that, and a one-shot timeout or a wake-up in the past
/// only means "due now". The catch-up work is what is bounded: missed periods here, a program's own
/// catch-up by its <c>RegisterProblem</c>.
/// </summary>
internal static class RestoredTime
{
    /// <summary>Largest time, due time or period accepted: 2^53 microseconds (about 285 years).</summary>
    public const long MaxMicroseconds = 1L << 53;

    /// <summary>
    /// How many periods a periodic timeout may be behind (each is fired to catch up, as the running child
    /// would have: one timer-queue entry and one signal each, well under a second for all of them).
    /// </summary>
    public const long MaxMissedPeriods = 100_000;

    /// <summary>Checks a timer's due time (0: none), period (0: one-shot) and creation time against the clock <paramref name="now"/>.</summary>
    public static void CheckTimer(long due, long period, long created, long now)
    {
        if (due < 0 || due > MaxMicroseconds || period < 0 || period > MaxMicroseconds || created < 0 || created > now)
            throw new StateFormatException($"timer state out of range: due {due} us, period {period} us, created {created} us at clock {now} us");
        if (due == 0) return;
        long overdue = now - due;
        if (period > 0 && overdue / period > MaxMissedPeriods)
            throw new StateFormatException($"a periodic timeout due at {due} us is {overdue} us overdue at the image's clock {now} us, {overdue / period} periods of {period} us; at most {MaxMissedPeriods} missed periods are accepted");
    }

    /// <summary>Checks a sleeping thread's wake-up time (0: not sleeping); a time in the past means the thread is due now.</summary>
    public static void CheckWake(long wake)
    {
        if (wake < 0 || wake > MaxMicroseconds)
            throw new StateFormatException($"thread wake-up time {wake} us is out of range");
    }
}
