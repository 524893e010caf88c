using Rtcr.Capabilities;
using Rtcr.Recording;

namespace Rtcr.Services;

/// <summary>A session the parent created for a client: what a checkpoint reads to rebuild it.</summary>
/// <param name="Client">The client protection domain.</param>
/// <param name="Service">Service name.</param>
/// <param name="Args">Arguments it was created with.</param>
/// <param name="Badge">Badge of the session object (the recorder when recording is on).</param>
/// <param name="CapIndex">Slot of the session capability in the client's space when it was created.</param>
/// <param name="Route">Which kind of route served it.</param>
/// <param name="Session">The object clients reach (the recording proxy when recording is on).</param>
/// <param name="Server">The service that created it.</param>
public sealed record SessionEntry(ProtectionDomain Client, string Service, SessionArgs Args, long Badge, int CapIndex, RouteKind Route, object Session, IService Server)
{
    /// <summary>The recorder in front of the session, when recording is on.</summary>
    public ISessionRecorder? Recorder => Session as ISessionRecorder;
}
