namespace Rtcr.Recording.Fallback;

/// <summary>Replays states recorded by <see cref="FallbackRecorder"/>, invoking the interface's methods through reflection (the slow path).</summary>
public sealed class FallbackReplayer : ISessionReplayer
{
    private readonly FallbackShape _shape;

    /// <summary>A replayer for sessions of <paramref name="sessionInterface"/> (marked <see cref="RtcrSessionAttribute"/>).</summary>
    public FallbackReplayer(Type sessionInterface)
    {
        ArgumentNullException.ThrowIfNull(sessionInterface);
        _shape = FallbackShape.Of(sessionInterface);
        if (_shape.Service is null) throw new ArgumentException($"{sessionInterface.Name} is not marked [RtcrSession]", nameof(sessionInterface));
    }

    /// <inheritdoc />
    public string Service => _shape.Service!;

    /// <inheritdoc />
    public int RestoreOrder => _shape.RestoreOrder;

    /// <inheritdoc />
    public Type SessionInterface => _shape.Interface;

    /// <inheritdoc />
    public ISessionState Read(ref StateReader reader) => FallbackSessionState.Read(_shape, ref reader);

    /// <inheritdoc />
    public void ReplayCreations(ISessionState state, object session, IReplayContext context)
    {
        var recorded = StateOf(state);
        // The donated quota first: the recreated objects were paid from it.
        if ((recorded.UpgradedRam != 0 || recorded.UpgradedCaps != 0) && _shape.Methods.FirstOrDefault(m => m.Kind == FallbackKind.Upgrade) is { } upgrade)
            upgrade.Method.Invoke(session, [recorded.UpgradedRam, recorded.UpgradedCaps]);
        Recreate(recorded.Body, session, context);
    }

    /// <inheritdoc />
    public void ReplaySettings(ISessionState state, object session, IReplayContext context)
    {
        var recorded = StateOf(state);
        Reapply(recorded.Body, session, context);
        RestoreHooks(recorded.Body, session, context);
    }

    private FallbackSessionState StateOf(ISessionState state) =>
        state as FallbackSessionState ?? throw new ArgumentException($"expected a state recorded by the fallback recorder, got {state?.GetType().Name ?? "null"}", nameof(state));

    private static void Recreate(FallbackObjectState state, object target, IReplayContext context)
    {
        foreach (var creation in state.Objects)
        {
            var created = Invoke(creation.Call, target, context, state.Shape);
            var ops = CapabilityOps.For(creation.Call.Method.Created!);
            context.MapBadge(creation.Badge, ops.BadgeOfReplayed(context, created!));
            if (creation.Object is { } child) Recreate(child, ops.ResolveReplayed(context, created!), context);
        }
    }

    private static void Reapply(FallbackObjectState state, object target, IReplayContext context)
    {
        foreach (var (_, call) in state.Settings) Invoke(call, target, context, state.Shape);
        foreach (var creation in state.Objects)
            if (creation.Object is { } child) Reapply(child, Resolve(creation, context), context);
    }

    private static void RestoreHooks(FallbackObjectState state, object target, IReplayContext context)
    {
        foreach (var creation in state.Objects)
            if (creation.Object is { } child) RestoreHooks(child, Resolve(creation, context), context);
        if (state.HookState is { } hookState && state.Shape.Hook is { } hook)
        {
            var real = FallbackInterceptor.Of(target)?.Inner ?? target;
            HookOps.For(state.Shape.Interface).Restore(HookOps.Instantiate(hook), real, hookState, context);
        }
    }

    private static object Resolve(FallbackCreation creation, IReplayContext context)
    {
        var ops = CapabilityOps.For(creation.Call.Method.Created!);
        return ops.ResolveReplayed(context, ops.Translate(context, creation.Badge));
    }

    private static object? Invoke(FallbackCall call, object target, IReplayContext context, FallbackShape shape)
    {
        var method = call.Method;
        var arguments = new object?[call.Arguments.Length];
        for (int i = 0; i < arguments.Length; i++)
        {
            if (method.CapTargets[i] is not { } capTarget)
            {
                arguments[i] = call.Arguments[i];
                continue;
            }
            long badge = (long)call.Arguments[i]!;
            try
            {
                arguments[i] = CapabilityOps.For(capTarget).Translate(context, badge);
            }
            catch (MissingObjectException)
            {
                // Say which recorded call needs the object, not only which badge is missing.
                throw new MissingObjectException(badge, $"{shape.Interface.Name}.{method.Method.Name} argument '{method.Method.GetParameters()[i].Name}'");
            }
        }
        try
        {
            return method.Method.Invoke(target, arguments);
        }
        catch (System.Reflection.TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }
}
