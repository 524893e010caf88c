using Rtcr.Services;

namespace Rtcr.Recording;

/// <summary>
/// What every generated recording proxy of a session shares on top of <see cref="Recorder{T}"/>: the
/// service name, the session's arguments and its upgrades.
/// </summary>
/// <typeparam name="T">The session interface.</typeparam>
public abstract class SessionRecorder<T> : Recorder<T> where T : class
{
    private long _upgradedRam;
    private long _upgradedCaps;

    /// <summary>Puts a recorder in front of the session <paramref name="inner"/>.</summary>
    /// <param name="inner">The real session; every call is forwarded to it.</param>
    /// <param name="context">The client whose capabilities the calls carry.</param>
    /// <param name="args">The arguments the session was created with.</param>
    /// <param name="service">The service name.</param>
    protected SessionRecorder(T inner, RecordingContext context, SessionArgs args, string service)
        : base(inner, context)
    {
        Args = args ?? throw new ArgumentNullException(nameof(args));
        Service = service ?? throw new ArgumentNullException(nameof(service));
    }

    /// <summary>The service name.</summary>
    public string Service { get; }

    /// <summary>The arguments the session was created with.</summary>
    public SessionArgs Args { get; }

    /// <summary>Records an <c>[Upgrade]</c> of the session's quota; call inside <see cref="Recorder{T}._gate"/>.</summary>
    /// <param name="ram">RAM quota added.</param>
    /// <param name="caps">Capability quota added.</param>
    protected void RecordUpgrade(long ram, long caps)
    {
        _upgradedRam += ram;
        _upgradedCaps += caps;
    }

    /// <inheritdoc />
    protected override void TakeRecorded(RecordCapture capture)
    {
        base.TakeRecorded(capture);
        capture.Upgrade(_upgradedRam, _upgradedCaps);
    }
}
