namespace Rtcr.Recording;

/// <summary>Implemented by proxies that sit in front of a real object, so the real one can be reached (e.g. to close it).</summary>
public interface IInterposed
{
    /// <summary>The object behind the proxy.</summary>
    object Inner { get; }
}
