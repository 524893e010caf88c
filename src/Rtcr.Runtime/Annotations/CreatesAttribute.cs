namespace Rtcr;

/// <summary>
/// The method creates an RPC object and returns a capability to it: its arguments and the object's
/// badge are recorded, and on restore it is called again with translated arguments.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class CreatesAttribute : Attribute;
