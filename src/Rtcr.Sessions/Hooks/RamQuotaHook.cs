using Rtcr.Recording;

namespace Rtcr.Sessions;

/// <summary>Captures a RAM session's quota account exactly.</summary>
public sealed class RamQuotaHook : IStateHook<IRamSession>
{
    /// <inheritdoc />
    public void Capture(IRamSession target, StateWriter writer) => QuotaState.Write(writer, Core(target).Account.Snapshot());

    /// <inheritdoc />
    public void Restore(IRamSession target, ref StateReader reader, IReplayContext context) =>
        Core(target).Account.Restore(QuotaState.Read(ref reader));

    private static RamSessionComponent Core(IRamSession target) =>
        target as RamSessionComponent ?? throw new InvalidOperationException($"RamQuotaHook needs core's RAM session, got {target.GetType().Name}");
}
