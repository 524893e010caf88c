namespace Rtcr.Services;

/// <summary>Where a parent sends a session request.</summary>
public enum RouteKind
{
    /// <summary>A service the parent implements itself (e.g. Rtcr's intercepting services).</summary>
    Local,
    /// <summary>A service announced by one of the parent's children.</summary>
    Child,
    /// <summary>A service of core (the kernel's own).</summary>
    Core,
}
