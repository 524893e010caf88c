using Rtcr.Services;

namespace Rtcr.Recording;

/// <summary>Implemented by every recording proxy of a session: the parent reads the recorded state through it.</summary>
public interface ISessionRecorder
{
    /// <summary>The service name.</summary>
    string Service { get; }

    /// <summary>The arguments the session was created with.</summary>
    SessionArgs Args { get; }

    /// <summary>A snapshot of the recorded state, including hook-captured state (call while the client is paused).</summary>
    ISessionState Capture();
}
