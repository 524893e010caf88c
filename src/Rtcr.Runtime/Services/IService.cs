namespace Rtcr.Services;

/// <summary>A service: creates and closes sessions for clients (Genode's root interface).</summary>
public interface IService
{
    /// <summary>The service name clients request (e.g. "LOG").</summary>
    string Name { get; }

    /// <summary>Creates the session object for a request. Quota has already been donated by the client.</summary>
    object CreateSession(SessionRequest request);

    /// <summary>Closes a session created by this service.</summary>
    void CloseSession(object session);
}
