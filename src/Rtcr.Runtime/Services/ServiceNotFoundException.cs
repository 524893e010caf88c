namespace Rtcr.Services;

/// <summary>No route leads to the requested service (Genode's <c>Service_denied</c>).</summary>
public sealed class ServiceNotFoundException(string service, string requester, string parent, IEnumerable<string> available)
    : Exception($"session request of '{requester}' for service '{service}' denied by parent '{parent}': no local, child or core service of that name (available: {string.Join(", ", available.Order())})")
{
    /// <summary>The requested service.</summary>
    public string Service { get; } = service;

    /// <summary>Who asked.</summary>
    public string Requester { get; } = requester;
}
