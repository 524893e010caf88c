namespace Rtcr.Recording;

/// <summary>
/// The type tag stored in front of every recorded argument (state format 2), so that a reader can tell an
/// argument of another type from one of its own and refuse it instead of misreading it.
/// </summary>
public enum WireType : byte
{
    /// <summary>A <see cref="bool"/>, one byte.</summary>
    Boolean = 1,

    /// <summary>A <see cref="byte"/>, stored as 32 bits.</summary>
    Byte = 2,

    /// <summary>A <see cref="short"/>, stored as 32 bits.</summary>
    Int16 = 3,

    /// <summary>An <see cref="int"/>.</summary>
    Int32 = 4,

    /// <summary>A <see cref="long"/>.</summary>
    Int64 = 5,

    /// <summary>A <see cref="uint"/>, stored as 64 bits.</summary>
    UInt32 = 6,

    /// <summary>A <see cref="ulong"/>, stored as 64 bits.</summary>
    UInt64 = 7,

    /// <summary>A <see cref="double"/>.</summary>
    Double = 8,

    /// <summary>A string (null allowed), length-prefixed UTF-8.</summary>
    String = 9,

    /// <summary>An enum value, stored as 64 bits.</summary>
    Enum = 10,

    /// <summary>A capability, stored as the badge it named (64 bits).</summary>
    Capability = 11,
}
