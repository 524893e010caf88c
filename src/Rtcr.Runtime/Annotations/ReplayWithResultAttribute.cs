namespace Rtcr;

/// <summary>
/// On replay of a <see cref="SetsAttribute.KeyFromResult"/> call, this parameter receives the recorded
/// result, so that e.g. a region is attached again at the address it had.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter, Inherited = false)]
public sealed class ReplayWithResultAttribute : Attribute;
