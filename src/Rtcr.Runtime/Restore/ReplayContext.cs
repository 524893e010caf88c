using Rtcr.Capabilities;
using Rtcr.Recording;

namespace Rtcr.Restore;

/// <summary>
/// The restorer's <see cref="IReplayContext"/>: the old → new badge map, and capabilities in the
/// restored child's space for translated arguments (one per object, reused; restore later rebuilds
/// the whole space at the old indices).
/// </summary>
internal sealed class ReplayContext(ProtectionDomain client, int objects = 0) : IReplayContext
{
    // Sized for the image's objects up front: growing them by doubling was a large part of what a
    // restore of 100 k objects allocated.
    private readonly Dictionary<long, long> _badges = new(objects);
    private readonly Dictionary<long, int> _installed = new(objects);

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

    /// <summary>The new badge of <paramref name="oldBadge"/>, without building an error message per call (hot loops).</summary>
    public bool TryNewBadge(long oldBadge, out long badge) => _badges.TryGetValue(oldBadge, out badge);

    public Cap<T> Translate<T>(long oldBadge) where T : class
    {
        if (oldBadge == 0) return Cap<T>.Invalid;
        // The message is built only when the badge is missing (it was one string per translation).
        if (!_badges.TryGetValue(oldBadge, out long badge)) throw new MissingObjectException(oldBadge, $"translating a {typeof(T).Name} capability");
        if (_installed.TryGetValue(badge, out int index) && Client.Caps.TryLookup(index, out long current) && current == badge)
            return new Cap<T>(index);
        var cap = Client.InstallBadge<T>(badge);
        _installed[badge] = cap.Index;
        return cap;
    }

    public long BadgeOf<T>(Cap<T> cap) where T : class => Client.BadgeOf(cap);

    public T Resolve<T>(Cap<T> cap) where T : class => Client.Invoke(cap);
}
