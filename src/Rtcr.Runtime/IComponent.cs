namespace Rtcr;

/// <summary>
/// Marker for component classes. A component keeps no mutable C# state: everything it knows lives
/// in its RAM dataspaces and capabilities, which is what makes a restore exact. The Rtcr analyzer
/// reports mutable instance fields in classes implementing this interface (RTCR007).
/// </summary>
public interface IComponent;
