using Rtcr.Capabilities;
using Rtcr.Recording;

namespace Rtcr.Generators.Tests.Infrastructure;

/// <summary>A minimal replay context: old → new badges as reported, capabilities installed on demand in the client.</summary>
internal sealed class TestReplayContext(ProtectionDomain client) : IReplayContext
{
    private readonly Dictionary<long, long> _badges = new();

    public ProtectionDomain Client { get; } = client;

    public IReadOnlyDictionary<long, long> Badges => _badges;

    public void MapBadge(long oldBadge, long newBadge) => _badges.Add(oldBadge, newBadge);

    public long BadgeOf<T>(Cap<T> cap) where T : class => Client.BadgeOf(cap);

    public T Resolve<T>(Cap<T> cap) where T : class => Client.Invoke(cap);

    public Cap<T> Translate<T>(long oldBadge) where T : class =>
        _badges.TryGetValue(oldBadge, out long newBadge)
            ? Client.InstallBadge<T>(newBadge)
            : throw new MissingObjectException(oldBadge, $"translating a {typeof(T).Name}");
}
