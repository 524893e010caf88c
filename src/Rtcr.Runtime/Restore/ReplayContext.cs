using Rtcr.Capabilities;
using Rtcr.Recording;

namespace Rtcr.Restore;

/// <summary>
/// The restorer's <see cref="IReplayContext"/>: the old → new badge map, and capabilities in the
/// restored child's space for translated arguments (one per object, reused; restore later rebuilds
/// the whole space at the old indices).
/// </summary>
internal sealed class ReplayContext(ProtectionDomain client) : IReplayContext
{
    private readonly Dictionary<long, long> _badges = new();
    private readonly Dictionary<long, int> _installed = new();

    public ProtectionDomain Client { get; } = client;

    public long ImageClockMicroseconds { get; init; } = client.Kernel.Clock.NowMicroseconds;

    public IReadOnlyDictionary<long, long> Badges => _badges;

    public void MapBadge(long oldBadge, long newBadge)
    {
        if (!_badges.TryAdd(oldBadge, newBadge) && _badges[oldBadge] != newBadge)
            throw new InvalidOperationException($"badge {oldBadge} was restored twice (as {_badges[oldBadge]} and {newBadge})");
    }

    public long NewBadge(long oldBadge, string context) =>
        _badges.TryGetValue(oldBadge, out long b) ? b : throw new MissingObjectException(oldBadge, context);

    public Cap<T> Translate<T>(long oldBadge) where T : class
    {
        if (oldBadge == 0) return Cap<T>.Invalid;
        long badge = NewBadge(oldBadge, $"translating a {typeof(T).Name} capability");
        if (_installed.TryGetValue(badge, out int index) && Client.Caps.TryLookup(index, out long current) && current == badge)
            return new Cap<T>(index);
        var cap = Client.InstallBadge<T>(badge);
        _installed[badge] = cap.Index;
        return cap;
    }

    public long BadgeOf<T>(Cap<T> cap) where T : class => Client.BadgeOf(cap);

    public T Resolve<T>(Cap<T> cap) where T : class => Client.Invoke(cap);
}
