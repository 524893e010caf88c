namespace Rtcr.Capabilities;

/// <summary>Why a capability could not be used.</summary>
public enum CapabilityError
{
    /// <summary>The capability is the invalid capability.</summary>
    Invalid,
    /// <summary>The slot index lies outside the capability space.</summary>
    OutOfBounds,
    /// <summary>The slot holds no capability.</summary>
    FreeSlot,
    /// <summary>The slot refers to an object that no longer exists.</summary>
    Stale,
    /// <summary>The object does not implement the interface the capability was used as.</summary>
    WrongType,
    /// <summary>Every slot of the capability space is in use.</summary>
    SpaceExhausted,
    /// <summary>A slot that must be free (restore at a given index) is already taken.</summary>
    SlotTaken,
}
