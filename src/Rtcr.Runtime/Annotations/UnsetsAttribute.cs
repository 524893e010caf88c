namespace Rtcr;

/// <summary>The method removes state recorded by a <see cref="SetsAttribute"/> with the same key.</summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class UnsetsAttribute(string key) : Attribute
{
    /// <summary>Key of the state removed.</summary>
    public string Key { get; } = key;

    /// <summary>Name of the parameter whose value extends the key.</summary>
    public string? KeyArg { get; set; }
}
