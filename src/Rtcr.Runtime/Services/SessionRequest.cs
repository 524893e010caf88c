namespace Rtcr.Services;

/// <summary>A session request as it reaches a service: what is asked for and by whom.</summary>
/// <param name="Service">Requested service name.</param>
/// <param name="Args">Session arguments (label, quotas, extras).</param>
/// <param name="Client">The protection domain the session will serve; its capability space receives the session capability.</param>
public sealed record SessionRequest(string Service, SessionArgs Args, ProtectionDomain Client);
