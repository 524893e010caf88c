namespace Rtcr.Generators.Model;

/// <summary>How a recorded value is stored, serialized and rendered in the state model.</summary>
internal enum ValueKind
{
    Unsupported,
    Boolean,
    Byte,
    Int16,
    Int32,
    Int64,
    UInt32,
    UInt64,
    Double,
    String,
    Enum,
    Capability,
}
