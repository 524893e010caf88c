using System.Collections.Concurrent;
using System.Reflection;
using Rtcr.Capabilities;

namespace Rtcr.Recording.Fallback;

/// <summary>
/// The generic capability operations (<c>BadgeOf&lt;T&gt;</c>, <c>Translate&lt;T&gt;</c>, <c>Resolve&lt;T&gt;</c>) for a
/// <c>T</c> known only at run time, bound once per type through reflection.
/// </summary>
internal sealed class CapabilityOps
{
    private static readonly ConcurrentDictionary<Type, CapabilityOps> Cache = new();

    public required Func<RecordingContext, object, long> BadgeOf { get; init; }
    public required Func<RecordingContext, object, object> ResolveRecorded { get; init; }
    public required Func<IReplayContext, long, object> Translate { get; init; }
    public required Func<IReplayContext, object, long> BadgeOfReplayed { get; init; }
    public required Func<IReplayContext, object, object> ResolveReplayed { get; init; }

    public static CapabilityOps For(Type target) => Cache.GetOrAdd(target, static t =>
        (CapabilityOps)typeof(CapabilityOps).GetMethod(nameof(Create), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(t).Invoke(null, null)!);

    private static CapabilityOps Create<T>() where T : class => new()
    {
        BadgeOf = static (context, cap) => context.BadgeOf((Cap<T>)cap),
        ResolveRecorded = static (context, cap) => context.Resolve((Cap<T>)cap),
        // Badge 0 is the invalid capability: recorded as such, replayed as such.
        Translate = static (context, badge) => badge == 0 ? default(Cap<T>) : context.Translate<T>(badge),
        BadgeOfReplayed = static (context, cap) => context.BadgeOf((Cap<T>)cap),
        ResolveReplayed = static (context, cap) => context.Resolve((Cap<T>)cap),
    };
}
