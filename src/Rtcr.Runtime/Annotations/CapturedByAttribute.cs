namespace Rtcr;

/// <summary>Names the hand-written <see cref="Recording.IStateHook{T}"/> that captures and restores state the recorder cannot see.</summary>
[AttributeUsage(AttributeTargets.Interface, Inherited = false)]
public sealed class CapturedByAttribute(Type hook) : Attribute
{
    /// <summary>The hook type; it needs a public parameterless constructor.</summary>
    public Type Hook { get; } = hook;
}
