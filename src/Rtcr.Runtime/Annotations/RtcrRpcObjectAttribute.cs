namespace Rtcr;

/// <summary>Marks an interface of an RPC object that a session creates (CPU thread, region map, dataspace …).</summary>
[AttributeUsage(AttributeTargets.Interface, Inherited = false)]
public sealed class RtcrRpcObjectAttribute : Attribute;
