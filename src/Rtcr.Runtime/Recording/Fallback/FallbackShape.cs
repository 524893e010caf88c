using System.Collections.Concurrent;
using System.Reflection;
using Rtcr.Capabilities;

namespace Rtcr.Recording.Fallback;

/// <summary>What a recording attribute asks for, read by reflection.</summary>
internal enum FallbackKind { Query, Creates, Destroys, Sets, Unsets, Upgrade, Captures }

/// <summary>One method of a recorded interface, as the fallback recorder sees it.</summary>
internal sealed class FallbackMethod
{
    public required MethodInfo Method { get; init; }
    public required int Index { get; init; }
    public required FallbackKind Kind { get; init; }
    public string? Key { get; init; }
    public int KeyArg { get; init; } = -1;
    public bool KeyFromResult { get; init; }
    public int ReplayWithResult { get; init; } = -1;
    public required Type[] ParameterTypes { get; init; }

    /// <summary>For capability parameters: the <c>T</c> of <c>Cap&lt;T&gt;</c>; null elsewhere.</summary>
    public required Type?[] CapTargets { get; init; }

    /// <summary>For <c>[Creates]</c>: the created object's interface.</summary>
    public Type? Created { get; init; }

    /// <summary>For <c>[Creates]</c>: whether the created object is wrapped in its own recorder.</summary>
    public bool WrapCreated { get; init; }

    public bool HasStaticKey => Kind is FallbackKind.Sets or FallbackKind.Unsets && KeyArg < 0 && !KeyFromResult;
}

/// <summary>
/// The recorded shape of an interface, read once by reflection and cached. Mirrors what the source
/// generator derives at compile time, so that both recorders produce the same canonical record.
/// </summary>
internal sealed class FallbackShape
{
    private static readonly ConcurrentDictionary<Type, FallbackShape> Cache = new();

    private FallbackShape(Type iface)
    {
        Interface = iface;
        var session = iface.GetCustomAttribute<RtcrSessionAttribute>();
        Service = session?.Service;
        RestoreOrder = session?.RestoreOrder ?? 100;
        Hook = iface.GetCustomAttribute<CapturedByAttribute>()?.Hook;
        var methods = new List<FallbackMethod>();
        foreach (var method in new[] { iface }.Concat(iface.GetInterfaces()).SelectMany(i => i.GetMethods()).Where(m => m.IsAbstract && !m.IsSpecialName))
            methods.Add(Describe(method, methods.Count));
        Methods = methods;
        ByMethod = methods.ToDictionary(m => m.Method);
    }

    public static FallbackShape Of(Type iface) => Cache.GetOrAdd(iface, static t => new FallbackShape(t));

    public Type Interface { get; }
    public string? Service { get; }
    public int RestoreOrder { get; }
    public Type? Hook { get; }
    public IReadOnlyList<FallbackMethod> Methods { get; }
    public IReadOnlyDictionary<MethodInfo, FallbackMethod> ByMethod { get; }

    public static bool RecordsAnything(Type iface) =>
        iface.GetCustomAttribute<CapturedByAttribute>() is not null
        || Of(iface).Methods.Any(m => m.Kind is FallbackKind.Creates or FallbackKind.Destroys or FallbackKind.Sets or FallbackKind.Unsets or FallbackKind.Upgrade);

    public static Type? CapTarget(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Cap<>) ? type.GetGenericArguments()[0] : null;

    private FallbackMethod Describe(MethodInfo method, int index)
    {
        var attributes = method.GetCustomAttributes(inherit: false).OfType<Attribute>().ToList();
        var kinds = attributes.Select(a => a switch
        {
            QueryAttribute => FallbackKind.Query,
            CreatesAttribute => FallbackKind.Creates,
            DestroysAttribute => FallbackKind.Destroys,
            SetsAttribute => FallbackKind.Sets,
            UnsetsAttribute => FallbackKind.Unsets,
            UpgradeAttribute => FallbackKind.Upgrade,
            CapturesAttribute => FallbackKind.Captures,
            _ => (FallbackKind?)null,
        }).OfType<FallbackKind>().ToList();
        if (kinds.Count != 1)
            throw new InvalidOperationException($"{Interface.Name}.{method.Name} must carry exactly one recording attribute (found {kinds.Count}); see diagnostics RTCR001/RTCR002");

        var parameters = method.GetParameters();
        string? key = null, keyArg = null;
        bool keyFromResult = false;
        if (attributes.OfType<SetsAttribute>().FirstOrDefault() is { } sets) (key, keyArg, keyFromResult) = (sets.Key, sets.KeyArg, sets.KeyFromResult);
        if (attributes.OfType<UnsetsAttribute>().FirstOrDefault() is { } unsets) (key, keyArg) = (unsets.Key, unsets.KeyArg);
        var created = kinds[0] == FallbackKind.Creates ? CapTarget(method.ReturnType)
            ?? throw new InvalidOperationException($"[Creates] method {Interface.Name}.{method.Name} must return Cap<T>") : null;

        return new FallbackMethod
        {
            Method = method,
            Index = index,
            Kind = kinds[0],
            Key = key,
            KeyArg = keyArg is null ? -1 : Array.FindIndex(parameters, p => p.Name == keyArg),
            KeyFromResult = keyFromResult,
            ReplayWithResult = Array.FindIndex(parameters, p => p.GetCustomAttribute<ReplayWithResultAttribute>() is not null),
            ParameterTypes = parameters.Select(p => p.ParameterType).ToArray(),
            CapTargets = parameters.Select(p => CapTarget(p.ParameterType)).ToArray(),
            Created = created,
            WrapCreated = created is not null && created.IsInterface && created.GetCustomAttribute<RtcrRpcObjectAttribute>() is not null && RecordsAnything(created),
        };
    }
}
