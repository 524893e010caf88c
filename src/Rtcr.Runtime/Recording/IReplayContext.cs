using Rtcr.Capabilities;
using Rtcr;

namespace Rtcr.Recording;

/// <summary>What a replayer needs while it rebuilds a session: translation of old capabilities and a place to report new ones.</summary>
public interface IReplayContext : ICapabilityTranslator
{
    /// <summary>The protection domain of the restored client.</summary>
    ProtectionDomain Client { get; }

    /// <summary>Reports that the object recorded under <paramref name="oldBadge"/> now lives under <paramref name="newBadge"/>.</summary>
    void MapBadge(long oldBadge, long newBadge);

    /// <summary>The badge a capability in the client's space names.</summary>
    long BadgeOf<T>(Cap<T> cap) where T : class;

    /// <summary>The object behind a capability of the client.</summary>
    T Resolve<T>(Cap<T> cap) where T : class;

    /// <summary>
    /// The kernel clock when the image was taken: hooks check the times they restore (due times,
    /// wake-ups) against it, not against the restoring kernel's clock, which a real clock moves on
    /// while the restore runs. By default the client kernel's clock.
    /// </summary>
    long ImageClockMicroseconds => Client.Kernel.Clock.NowMicroseconds;
}
