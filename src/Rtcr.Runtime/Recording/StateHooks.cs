namespace Rtcr.Recording;

/// <summary>Restoring hook-captured state as generated replayers need it, in one place instead of in every replayer.</summary>
public static class StateHooks
{
    /// <summary>
    /// Runs <paramref name="hook"/>'s restore on the real object behind <paramref name="target"/> (hooks work on
    /// the real object, as when they captured it), if the state holds hook-captured state.
    /// </summary>
    /// <param name="hook">The interface's <see cref="CapturedByAttribute"/> hook.</param>
    /// <param name="state">The recorded state.</param>
    /// <param name="target">The recreated object, or a recorder in front of it.</param>
    /// <param name="context">The restore's context.</param>
    public static void Restore<T>(IStateHook<T> hook, RecordedState state, T target, IReplayContext context) where T : class
    {
        ArgumentNullException.ThrowIfNull(hook);
        ArgumentNullException.ThrowIfNull(state);
        if (state.HookState is not { } hookState) return;
        var real = target is Recorder<T> recorder ? recorder.Inner : target;
        var reader = new StateReader(hookState);
        hook.Restore(real, ref reader, context);
    }
}
