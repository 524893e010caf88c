namespace Rtcr;

/// <summary>
/// The method sets state: the latest call per key is recorded (a compacted log) and re-applied on
/// restore in the order the keys were first set.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class SetsAttribute(string key) : Attribute
{
    /// <summary>Key of the state this method sets. Methods sharing a key overwrite each other's record.</summary>
    public string Key { get; } = key;

    /// <summary>Name of a parameter whose value extends the key (one record per distinct value).</summary>
    public string? KeyArg { get; set; }

    /// <summary>The method's result extends the key (e.g. the address an attach chose).</summary>
    public bool KeyFromResult { get; set; }
}
