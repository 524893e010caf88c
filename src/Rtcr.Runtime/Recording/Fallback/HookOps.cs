using System.Collections.Concurrent;
using System.Reflection;

namespace Rtcr.Recording.Fallback;

/// <summary>Calls an <see cref="IStateHook{T}"/> whose <c>T</c> is known only at run time (its Restore takes a ref struct, so no plain Invoke).</summary>
internal sealed class HookOps
{
    private static readonly ConcurrentDictionary<Type, HookOps> Cache = new();

    public required Func<object, object, byte[]> Capture { get; init; }
    public required Action<object, object, byte[], IReplayContext> Restore { get; init; }

    public static HookOps For(Type target) => Cache.GetOrAdd(target, static t =>
        (HookOps)typeof(HookOps).GetMethod(nameof(Create), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(t).Invoke(null, null)!);

    private static HookOps Create<T>() where T : class => new()
    {
        Capture = static (hook, target) =>
        {
            var writer = new StateWriter();
            ((IStateHook<T>)hook).Capture((T)target, writer);
            return writer.ToArray();
        },
        Restore = static (hook, target, state, context) =>
        {
            var reader = new StateReader(state);
            ((IStateHook<T>)hook).Restore((T)target, ref reader, context);
        },
    };

    public static object Instantiate(Type hook) =>
        Activator.CreateInstance(hook) ?? throw new InvalidOperationException($"state hook {hook.Name} could not be created");
}
