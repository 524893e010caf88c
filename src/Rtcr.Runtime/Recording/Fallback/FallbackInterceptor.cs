using Castle.DynamicProxy;
using Rtcr.Services;

namespace Rtcr.Recording.Fallback;

/// <summary>
/// Records the calls of one proxied session or RPC object by reading the recording attributes through
/// reflection. Same rules as the generated recorder: record after the call succeeded, capabilities by
/// badge, latest call per key in first-set order, creations in order, destroyed objects dropped.
/// </summary>
internal sealed class FallbackInterceptor(FallbackShape shape, object inner, RecordingContext context, SessionArgs? args) : IInterceptor
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (long Order, FallbackCall Call)> _settings = new(StringComparer.Ordinal);
    private readonly Dictionary<long, (FallbackCreation Creation, FallbackInterceptor? Recorder)> _objects = new();
    private long _nextOrder;
    private long _upgradedRam;
    private long _upgradedCaps;

    public void Intercept(IInvocation invocation)
    {
        var declaring = invocation.Method.DeclaringType;
        if (declaring == typeof(ISessionRecorder))
        {
            invocation.ReturnValue = invocation.Method.Name switch
            {
                "get_Service" => shape.Service,
                "get_Args" => args,
                "Capture" => CaptureSession(),
                var name => throw new NotSupportedException($"{declaring.Name}.{name}"),
            };
            return;
        }

        var method = shape.ByMethod[invocation.Method];
        switch (method.Kind)
        {
            case FallbackKind.Creates: Create(invocation, method); break;
            case FallbackKind.Destroys: Destroy(invocation, method); break;
            case FallbackKind.Sets: Set(invocation, method); break;
            case FallbackKind.Unsets: Unset(invocation, method); break;
            case FallbackKind.Upgrade when args is not null:
                invocation.Proceed();
                lock (_gate)
                {
                    _upgradedRam += (long)invocation.Arguments[0]!;
                    _upgradedCaps += (long)invocation.Arguments[1]!;
                }
                break;
            default:
                invocation.Proceed();
                break;
        }
    }

    private object?[] Recorded(IInvocation invocation, FallbackMethod method)
    {
        var values = new object?[invocation.Arguments.Length];
        for (int i = 0; i < values.Length; i++)
            values[i] = method.CapTargets[i] is { } target ? CapabilityOps.For(target).BadgeOf(context, invocation.Arguments[i]!) : invocation.Arguments[i];
        return values;
    }

    private void Create(IInvocation invocation, FallbackMethod method)
    {
        invocation.Proceed();
        var ops = CapabilityOps.For(method.Created!);
        long badge = ops.BadgeOf(context, invocation.ReturnValue!);
        if (badge == 0) return;
        lock (_gate)
        {
            if (_objects.ContainsKey(badge)) return;
            FallbackInterceptor? recorder = null;
            if (method.WrapCreated)
            {
                var created = ops.ResolveRecorded(context, invocation.ReturnValue!);
                recorder = Of(created);
                if (recorder is null)
                {
                    var proxy = FallbackRecorder.WrapObject(method.Created!, created, context);
                    recorder = Of(proxy)!;
                    context.Interpose(badge, proxy);
                }
            }
            var call = new FallbackCall(method, Recorded(invocation, method));
            _objects.Add(badge, (new FallbackCreation(call, badge, context.NextSequence(), null), recorder));
        }
    }

    private void Destroy(IInvocation invocation, FallbackMethod method)
    {
        int cap = Array.FindIndex(method.CapTargets, t => t is not null);
        long badge = CapabilityOps.For(method.CapTargets[cap]!).BadgeOf(context, invocation.Arguments[cap]!);
        invocation.Proceed();
        lock (_gate) _objects.Remove(badge);
    }

    private void Set(IInvocation invocation, FallbackMethod method)
    {
        invocation.Proceed();
        var values = Recorded(invocation, method);
        // The [ReplayWithResult] parameter is recorded as the result, as the generated recorder does.
        if (method.ReplayWithResult >= 0) values[method.ReplayWithResult] = invocation.ReturnValue;
        string key = method.Key!
            + (method.KeyFromResult ? ":" + RecordedCall.Render(invocation.ReturnValue)
               : method.KeyArg >= 0 ? ":" + FallbackValues.Render(values[method.KeyArg], method.CapTargets[method.KeyArg] is not null)
               : "");
        lock (_gate)
        {
            long order = _settings.TryGetValue(key, out var existing) ? existing.Order : ++_nextOrder;
            _settings[key] = (order, new FallbackCall(method, values));
        }
    }

    private void Unset(IInvocation invocation, FallbackMethod method)
    {
        string key = method.Key!;
        if (method.KeyArg >= 0)
        {
            var value = method.CapTargets[method.KeyArg] is { } target
                ? CapabilityOps.For(target).BadgeOf(context, invocation.Arguments[method.KeyArg]!)
                : invocation.Arguments[method.KeyArg];
            key += ":" + FallbackValues.Render(value, method.CapTargets[method.KeyArg] is not null);
        }
        invocation.Proceed();
        lock (_gate) _settings.Remove(key);
    }

    private FallbackSessionState CaptureSession()
    {
        long ram, caps;
        lock (_gate) (ram, caps) = (_upgradedRam, _upgradedCaps);
        return new FallbackSessionState(shape.Service!, args!, ram, caps, CaptureObject());
    }

    /// <summary>The object behind the proxy.</summary>
    public object Inner => inner;

    /// <summary>The fallback recorder of a proxy, or null when <paramref name="obj"/> is not a fallback proxy.</summary>
    public static FallbackInterceptor? Of(object obj) =>
        obj is IProxyTargetAccessor accessor ? accessor.GetInterceptors().OfType<FallbackInterceptor>().FirstOrDefault() : null;

    public FallbackObjectState CaptureObject()
    {
        var state = new FallbackObjectState(shape);
        List<(long Order, string Key, FallbackCall Call)> settings;
        List<(FallbackCreation Creation, FallbackInterceptor? Recorder)> objects;
        lock (_gate)
        {
            settings = _settings.Select(kv => (kv.Value.Order, kv.Key, kv.Value.Call)).ToList();
            objects = _objects.Values.ToList();
        }
        foreach (var (_, key, call) in settings.OrderBy(s => s.Order)) state.Settings.Add((key, call));
        foreach (var (creation, recorder) in objects.OrderBy(o => o.Creation.Sequence))
            state.Objects.Add(recorder is null ? creation : creation with { Object = recorder.CaptureObject() });
        if (shape.Hook is { } hook)
            state.HookState = HookOps.For(shape.Interface).Capture(HookOps.Instantiate(hook), inner);
        return state;
    }
}
