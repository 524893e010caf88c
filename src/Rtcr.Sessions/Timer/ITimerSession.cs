using Rtcr.Capabilities;

namespace Rtcr.Sessions;

/// <summary>
/// Timer session (Genode's <c>Timer::Session</c>). The recorded calls say what was programmed; the
/// exact due time of the pending timeout is captured by <see cref="TimerStateHook"/>.
/// </summary>
[RtcrSession("Timer", RestoreOrder = 60)]
[CapturedBy(typeof(TimerStateHook))]
public interface ITimerSession
{
    /// <summary>Installs the signal context notified when the timeout fires.</summary>
    [Sets("sigh")] void Sigh(Cap<ISignalContext> handler);

    /// <summary>Programs a one-shot timeout <paramref name="microseconds"/> from now.</summary>
    [Sets("trigger")] void TriggerOnce(long microseconds);

    /// <summary>Programs a periodic timeout (0 stops it).</summary>
    [Sets("trigger")] void TriggerPeriodic(long microseconds);

    /// <summary>Milliseconds since the session was created.</summary>
    [Query] long ElapsedMs();

    /// <summary>Microseconds since the session was created.</summary>
    [Query] long ElapsedUs();

    /// <summary>Adds quota donated by the client.</summary>
    [Upgrade] void Upgrade(long ramQuota, long capQuota);
}
