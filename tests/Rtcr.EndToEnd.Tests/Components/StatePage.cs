using Rtcr.Capabilities;
using Rtcr.Sessions;

namespace Rtcr.EndToEnd.Tests.Components;

/// <summary>
/// The adversarial components keep all their state in one page of RAM at <see cref="Address"/>, as
/// numbered 8-byte slots, so that restore exactness is about memory and capabilities only.
/// </summary>
internal static class StatePage
{
    public const long Address = 0x1000_0000;

    public static long Get(Env env, int slot) => env.Memory.Read<long>(Address + slot * 8L);

    public static void Set(Env env, int slot, long value) => env.Memory.Write(Address + slot * 8L, value);

    public static Cap<T> Cap<T>(Env env, int slot) where T : class => Capabilities.Cap<T>.FromIndex((int)Get(env, slot));

    public static ILogSession Log(Env env, int slot) => env.Invoke(Cap<ILogSession>(env, slot));

    /// <summary>
    /// Allocates the page, opens a LOG session (slot <paramref name="logSlot"/>) and a timer session
    /// (slot <paramref name="timerSlot"/>) whose signals call <paramref name="handler"/>; <see cref="Start"/>
    /// programs it once the rest of the state is in place (in threaded execution the handler runs at once).
    /// </summary>
    public static void Setup(Env env, int logSlot, string handler, int timerSlot)
    {
        env.AllocAndAttach(4096, Address);
        Set(env, logSlot, env.Session<ILogSession>("LOG").Index);
        var timer = env.Session<ITimerSession>("Timer", handler);
        Set(env, timerSlot, timer.Index);
        var context = env.Pd.AllocContext(env.Pd.AllocSignalSource(), handler);
        env.Invoke(timer).Sigh(context);
    }

    /// <summary>Programs the timer of slot <paramref name="timerSlot"/> periodically.</summary>
    public static void Start(Env env, int timerSlot, long periodMicroseconds) =>
        env.Invoke(Cap<ITimerSession>(env, timerSlot)).TriggerPeriodic(periodMicroseconds);
}
