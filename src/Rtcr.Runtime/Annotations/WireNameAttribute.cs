namespace Rtcr;

/// <summary>
/// The name a recorded method's calls are stored under in checkpoint images (its <em>wire name</em>). By
/// default that is the method's own name, so renaming a recorded method would orphan the calls older
/// images hold; give the renamed method its old name here and older images keep restoring.
/// Two recorded methods of one interface with one wire name are an error (RTCR021).
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class WireNameAttribute(string name) : Attribute
{
    /// <summary>The stored name: usually the method's name before a rename.</summary>
    public string Name { get; } = name;
}
