namespace Rtcr.Faults;

/// <summary>
/// Decides whether a fault happens at a <see cref="FaultPoint"/>. Code that can fail calls
/// <see cref="Reach"/> on its way; an injector throws (or alters the subject) to inject the fault.
/// Production code passes <see cref="FaultInjector.None"/>; it is handed in through options, never
/// reached through a global, so parallel tests do not see each other's faults.
/// </summary>
public interface IFaultInjector
{
    /// <summary>Called when execution reaches <paramref name="point"/>; throws to fail there.</summary>
    /// <param name="point">Where execution is.</param>
    /// <param name="subject">What the point works on (documented per <see cref="FaultPoint"/>), or null.</param>
    void Reach(FaultPoint point, object? subject);
}
