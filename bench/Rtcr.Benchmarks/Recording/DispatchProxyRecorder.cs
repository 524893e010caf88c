using System.Collections.Concurrent;
using System.Reflection;

namespace Rtcr.Benchmarks.Recording;

/// <summary>
/// The BCL's own interception mechanism as a recorder: a <see cref="DispatchProxy"/> that forwards by
/// reflection and keeps the latest arguments per <see cref="SetsAttribute"/> key, with the attribute
/// lookup cached per method as any real implementation would. It exists only as a comparison point.
/// </summary>
public class DispatchProxyRecorder : DispatchProxy
{
    private static readonly ConcurrentDictionary<MethodInfo, string?> Keys = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, object?[]> _latest = new(StringComparer.Ordinal);
    private object _inner = null!;

    /// <summary>Creates a recording proxy of <typeparamref name="T"/> in front of <paramref name="inner"/>.</summary>
    public static T Wrap<T>(T inner) where T : class
    {
        var proxy = Create<T, DispatchProxyRecorder>();
        ((DispatchProxyRecorder)(object)proxy)._inner = inner;
        return proxy;
    }

    /// <summary>Number of distinct keys recorded.</summary>
    public int RecordedKeys
    {
        get { lock (_gate) return _latest.Count; }
    }

    /// <inheritdoc />
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        var method = targetMethod ?? throw new ArgumentNullException(nameof(targetMethod));
        object? result;
        try
        {
            result = method.Invoke(_inner, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerException);
            throw;
        }
        if (Keys.GetOrAdd(method, static m => m.GetCustomAttribute<SetsAttribute>()?.Key) is { } key)
            lock (_gate) _latest[key] = args ?? [];
        return result;
    }
}
