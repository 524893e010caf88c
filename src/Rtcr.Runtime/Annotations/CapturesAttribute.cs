namespace Rtcr;

/// <summary>
/// The state this method changes is invisible to call recording and is captured by the interface's
/// <see cref="CapturedByAttribute"/> hook instead (dataspace content, thread registers).
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class CapturesAttribute : Attribute;
