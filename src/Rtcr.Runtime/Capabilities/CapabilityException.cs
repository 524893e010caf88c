namespace Rtcr.Capabilities;

/// <summary>A capability was used in a way the kernel refuses: out of bounds, free, stale or of the wrong type.</summary>
public sealed class CapabilityException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CapabilityException(CapabilityError error, string owner, int index, string message)
        : base($"capability space of '{owner}', slot {index}: {message}")
    {
        Error = error;
        Owner = owner;
        Index = index;
    }

    /// <summary>What went wrong.</summary>
    public CapabilityError Error { get; }

    /// <summary>Label of the protection domain whose capability space was used.</summary>
    public string Owner { get; }

    /// <summary>The slot index that was used.</summary>
    public int Index { get; }
}
