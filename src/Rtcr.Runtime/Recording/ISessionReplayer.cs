namespace Rtcr.Recording;

/// <summary>Rebuilds one kind of session on a fresh kernel from its recorded state.</summary>
public interface ISessionReplayer
{
    /// <summary>The service name.</summary>
    string Service { get; }

    /// <summary>Sessions with lower values are recreated first.</summary>
    int RestoreOrder { get; }

    /// <summary>The session interface.</summary>
    Type SessionInterface { get; }

    /// <summary>Reads a state written by <see cref="ISessionState.Write"/>.</summary>
    ISessionState Read(ref StateReader reader);

    /// <summary>Phase 1: recreates the RPC objects the session had, reporting old → new badges through the context.</summary>
    void ReplayCreations(ISessionState state, object session, IReplayContext context);

    /// <summary>Phase 2 (after every session's creations): re-applies recorded settings and restores hook state.</summary>
    void ReplaySettings(ISessionState state, object session, IReplayContext context);
}
