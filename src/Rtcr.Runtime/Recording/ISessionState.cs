using Rtcr.Services;

namespace Rtcr.Recording;

/// <summary>A session's state model: creation arguments, upgrades, recorded calls and the objects it created.</summary>
public interface ISessionState
{
    /// <summary>The service name.</summary>
    string Service { get; }

    /// <summary>The arguments the session was created with.</summary>
    SessionArgs Args { get; }

    /// <summary>Serializes the state (read back by <see cref="ISessionReplayer.Read"/>).</summary>
    void Write(StateWriter writer);

    /// <summary>The canonical, implementation-independent form (compared in tests, shown by <c>rtcr inspect</c>).</summary>
    SessionRecord ToRecord();
}
