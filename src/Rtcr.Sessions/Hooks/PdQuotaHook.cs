using Rtcr.Quotas;
using Rtcr.Recording;

namespace Rtcr.Sessions;

/// <summary>Captures the PD's quota account exactly (transfers are cumulative, so replaying calls would not reproduce it).</summary>
public sealed class PdQuotaHook : IStateHook<IPdSession>
{
    /// <inheritdoc />
    public void Capture(IPdSession target, StateWriter writer) => QuotaState.Write(writer, target.Domain().Quota.Snapshot());

    /// <inheritdoc />
    public void Restore(IPdSession target, ref StateReader reader, IReplayContext context) =>
        target.Domain().Quota.Restore(QuotaState.Read(ref reader));
}
