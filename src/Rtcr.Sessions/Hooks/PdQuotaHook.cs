using Rtcr.Quotas;
using Rtcr.Recording;

namespace Rtcr.Sessions;

/// <summary>Captures the PD's quota account exactly (transfers are cumulative, so replaying calls would not reproduce it).</summary>
public sealed class PdQuotaHook : IStateHook<IPdSession>
{
    /// <inheritdoc />
    public void Capture(IPdSession target, StateWriter writer) => QuotaState.Write(writer, target.Domain().Quota.Snapshot());

    /// <inheritdoc />
    public void Restore(IPdSession target, ref StateReader reader, IReplayContext context)
    {
        // The PD was created with the host's grant and replay added the recorded upgrades: its limits now are the most it may have.
        var account = target.Domain().Quota;
        var now = account.Snapshot();
        QuotaState.Restore(account, QuotaState.Read(ref reader), now.RamLimit, now.CapLimit);
    }
}
