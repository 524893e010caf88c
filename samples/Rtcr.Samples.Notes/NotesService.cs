using Rtcr.Recording;
using Rtcr.Sessions;

namespace Rtcr.Samples.Notes;

/// <summary>The notes service as a host offers it: the service object and its generated recorders.</summary>
public static class NotesService
{
    /// <summary>The service name children ask for.</summary>
    public const string Name = "Notes";

    /// <summary>Creates one notes session per request, serving the requesting client.</summary>
    public static CoreService Create() => new(Name, request => new NotesSessionComponent(request.Client));

    /// <summary>Registers the recorders and replayers the generator emitted for this assembly's sessions.</summary>
    public static void RegisterRecorders(RecorderRegistry registry) => Rtcr.Generated.RtcrRecorders.RegisterAll(registry);

    /// <summary>A host with the core services and the notes service, recorded: use it on both sides of a checkpoint.</summary>
    public static ComponentHost CreateHost(long startMicroseconds = 0) =>
        new ComponentHost(startMicroseconds: startMicroseconds).AddService(Create(), RegisterRecorders);
}
