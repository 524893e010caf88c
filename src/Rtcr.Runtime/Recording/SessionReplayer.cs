namespace Rtcr.Recording;

/// <summary>
/// What every generated session replayer shares, so that the generated class holds only its interface's
/// phases (static methods, also called for created objects) and hands them to this base: the
/// <see cref="ISessionReplayer"/> members, the type checks of state and session, the upgrade before the
/// creations and the hooks after the settings.
/// </summary>
/// <typeparam name="TSession">The session interface.</typeparam>
/// <typeparam name="TState">The generated state of the session.</typeparam>
public abstract class SessionReplayer<TSession, TState> : ISessionReplayer
    where TSession : class
    where TState : RecordedSessionState
{
    private readonly Action<TState, TSession, IReplayContext> _creations;
    private readonly Action<TState, TSession, IReplayContext> _settings;
    private readonly Action<TState, TSession, IReplayContext> _hooks;
    private readonly Action<TSession, long, long>? _upgrade;

    /// <summary>Creates the replayer of one session interface.</summary>
    /// <param name="service">The service name.</param>
    /// <param name="restoreOrder">Sessions with lower values are recreated first.</param>
    /// <param name="creations">Phase 1: recreates the created objects.</param>
    /// <param name="settings">Phase 2: re-applies the settings.</param>
    /// <param name="hooks">Restores hook-captured state, after every setting.</param>
    /// <param name="upgrade">Calls the session's <c>[Upgrade]</c> method; null when it has none.</param>
    protected SessionReplayer(
        string service,
        int restoreOrder,
        Action<TState, TSession, IReplayContext> creations,
        Action<TState, TSession, IReplayContext> settings,
        Action<TState, TSession, IReplayContext> hooks,
        Action<TSession, long, long>? upgrade = null)
    {
        Service = service ?? throw new ArgumentNullException(nameof(service));
        RestoreOrder = restoreOrder;
        _creations = creations ?? throw new ArgumentNullException(nameof(creations));
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _hooks = hooks ?? throw new ArgumentNullException(nameof(hooks));
        _upgrade = upgrade;
    }

    /// <inheritdoc />
    public string Service { get; }

    /// <inheritdoc />
    public int RestoreOrder { get; }

    /// <inheritdoc />
    public Type SessionInterface => typeof(TSession);

    /// <inheritdoc />
    public abstract ISessionState Read(ref StateReader reader);

    /// <inheritdoc />
    public void ReplayCreations(ISessionState state, object session, IReplayContext context)
    {
        var recorded = StateOf(state);
        var target = SessionOf(session);
        // The donated quota first: the recreated objects were paid from it.
        if (_upgrade is not null && (recorded.UpgradedRam != 0 || recorded.UpgradedCaps != 0))
            _upgrade(target, recorded.UpgradedRam, recorded.UpgradedCaps);
        (target as Recorder<TSession>)?.ReserveCreations(recorded.Objects.Count);
        _creations(recorded, target, context);
    }

    /// <inheritdoc />
    public void ReplaySettings(ISessionState state, object session, IReplayContext context)
    {
        var recorded = StateOf(state);
        var target = SessionOf(session);
        _settings(recorded, target, context);
        // Hooks run last: they may depend on every setting (attachments, started threads).
        _hooks(recorded, target, context);
    }

    private TState StateOf(ISessionState state) =>
        state as TState ?? throw new ArgumentException($"expected the state of a {Service} session recorded by the generated recorder, got {state?.GetType().Name ?? "null"}", nameof(state));

    private static TSession SessionOf(object session) =>
        session as TSession ?? throw new ArgumentException($"expected a {typeof(TSession).Name}, got {session?.GetType().Name ?? "null"}", nameof(session));
}
