namespace Rtcr;

/// <summary>The method destroys the object named by its capability argument: the object's record is dropped.</summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class DestroysAttribute : Attribute;
