namespace Rtcr;

/// <summary>The method only reads state: it is passed through and nothing is recorded.</summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class QueryAttribute : Attribute;
