using Rtcr.Capabilities;

namespace Rtcr.Recording;

/// <summary>
/// What a recording proxy needs at run time: the client whose capabilities it sees, so that
/// capability arguments and results can be recorded by badge (indices may be reused; badges never are).
/// </summary>
public sealed class RecordingContext(ProtectionDomain client)
{
    private long _sequence;

    /// <summary>The client protection domain of the recorded session.</summary>
    public ProtectionDomain Client { get; } = client;

    /// <summary>The badge a client capability names, or 0 for the invalid capability.</summary>
    public long BadgeOf<T>(Cap<T> cap) where T : class => cap.IsValid ? Client.BadgeOf(cap) : 0;

    /// <summary>The object behind a client capability.</summary>
    public T Resolve<T>(Cap<T> cap) where T : class => Client.Invoke(cap);

    /// <summary>Puts <paramref name="recorder"/> in front of the object with <paramref name="badge"/>, for every holder.</summary>
    public void Interpose(long badge, object recorder) => Client.Kernel.Objects.Replace(badge, recorder);

    /// <summary>A number increasing with every recorded event of this client (orders records across sessions).</summary>
    public long NextSequence() => Interlocked.Increment(ref _sequence);
}
