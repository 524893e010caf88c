using Rtcr.Recording;

namespace Rtcr.Sessions;

/// <summary>Captures the pending timeout's exact due time, period and order among timeouts due together, so a restored timer fires when (and in the order) the original would have.</summary>
public sealed class TimerStateHook : IStateHook<ITimerSession>
{
    /// <inheritdoc />
    public void Capture(ITimerSession target, StateWriter writer)
    {
        var (due, period, created) = Core(target).Pending;
        writer.WriteInt64(due);
        writer.WriteInt64(period);
        writer.WriteInt64(created);
        writer.WriteInt64(Core(target).Order); // appended: images written before it lack it
    }

    /// <inheritdoc />
    public void Restore(ITimerSession target, ref StateReader reader, IReplayContext context)
    {
        long due = reader.ReadInt64(), period = reader.ReadInt64(), created = reader.ReadInt64();
        long order = reader.Remaining > 0 ? reader.ReadInt64() : 0;
        RestoredTime.CheckTimer(due, period, created, context.ImageClockMicroseconds);
        if (order < 0) throw new StateFormatException($"timer order {order} is negative");
        var core = Core(target);
        core.RestoreCreatedAt(created);
        core.Program(due, period, order);
    }

    private static TimerSessionComponent Core(ITimerSession target) =>
        target as TimerSessionComponent ?? throw new InvalidOperationException($"TimerStateHook needs core's timer session, got {target.GetType().Name}");
}
