using Rtcr.Recording;

namespace Rtcr.Sessions;

/// <summary>Captures a RAM session's quota account exactly.</summary>
public sealed class RamQuotaHook : IStateHook<IRamSession>
{
    /// <inheritdoc />
    public void Capture(IRamSession target, StateWriter writer) => QuotaState.Write(writer, Core(target).Account.Snapshot());

    /// <inheritdoc />
    public void Restore(IRamSession target, ref StateReader reader, IReplayContext context)
    {
        // A RAM session holds its own quota plus what other sessions of the child transferred to it,
        // which together cannot exceed the child's PD grant.
        var account = Core(target).Account;
        var own = account.Snapshot();
        var pd = context.Client.Quota.Snapshot();
        QuotaState.Restore(account, QuotaState.Read(ref reader), Saturate(own.RamLimit, pd.RamLimit), Saturate(own.CapLimit, pd.CapLimit));
    }

    private static long Saturate(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    private static RamSessionComponent Core(IRamSession target) =>
        target as RamSessionComponent ?? throw new InvalidOperationException($"RamQuotaHook needs core's RAM session, got {target.GetType().Name}");
}
