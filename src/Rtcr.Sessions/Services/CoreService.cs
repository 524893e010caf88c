using Rtcr.Services;

namespace Rtcr.Sessions;

/// <summary>A core service built from a factory; closing disposes the session if it is disposable.</summary>
public sealed class CoreService(string name, Func<SessionRequest, object> create) : IService
{
    /// <inheritdoc />
    public string Name { get; } = name;

    /// <inheritdoc />
    public object CreateSession(SessionRequest request) => create(request);

    /// <inheritdoc />
    public void CloseSession(object session) => (session as IDisposable)?.Dispose();
}
