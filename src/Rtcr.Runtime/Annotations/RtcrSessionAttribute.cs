namespace Rtcr;

/// <summary>
/// Marks a session interface for the Rtcr generator: a recording proxy, a state model and a replayer
/// are emitted for it. Every method must carry exactly one recording attribute.
/// </summary>
[AttributeUsage(AttributeTargets.Interface, Inherited = false)]
public sealed class RtcrSessionAttribute(string service) : Attribute
{
    /// <summary>The service name a client requests (e.g. "LOG").</summary>
    public string Service { get; } = service;

    /// <summary>Position in restore order: sessions with lower values are recreated first (PD before RAM before CPU …).</summary>
    public int RestoreOrder { get; set; } = 100;
}
