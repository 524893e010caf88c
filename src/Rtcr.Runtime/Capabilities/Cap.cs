namespace Rtcr.Capabilities;

/// <summary>
/// A capability as a component holds it: an index into its protection domain's capability space,
/// typed by the RPC interface it is expected to refer to. A <c>Cap</c> is only an index; the kernel
/// checks bounds, liveness and type on every invocation.
/// </summary>
/// <typeparam name="T">The RPC interface the capability is expected to refer to.</typeparam>
public readonly struct Cap<T> : IEquatable<Cap<T>> where T : class
{
    // Stored as index + 1 so that default(Cap<T>) is the invalid capability, as in Genode.
    private readonly int _slotPlusOne;

    /// <summary>Creates a capability for the given slot index.</summary>
    public Cap(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        _slotPlusOne = index + 1;
    }

    /// <summary>The invalid capability (refers to nothing).</summary>
    public static Cap<T> Invalid => default;

    /// <summary>The slot index in the holder's capability space; -1 when invalid.</summary>
    public int Index => _slotPlusOne - 1;

    /// <summary>Whether this capability refers to a slot at all.</summary>
    public bool IsValid => _slotPlusOne != 0;

    /// <summary>Reinterprets the same slot as a capability of another interface; the type is checked on use.</summary>
    public Cap<TOther> As<TOther>() where TOther : class => IsValid ? new Cap<TOther>(Index) : default;

    /// <summary>Rebuilds a capability from an index stored in component memory (-1 = invalid).</summary>
    public static Cap<T> FromIndex(int index) => index < 0 ? default : new Cap<T>(index);

    /// <inheritdoc />
    public bool Equals(Cap<T> other) => _slotPlusOne == other._slotPlusOne;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Cap<T> other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _slotPlusOne;

    /// <summary>Equality of slot indices.</summary>
    public static bool operator ==(Cap<T> left, Cap<T> right) => left.Equals(right);

    /// <summary>Inequality of slot indices.</summary>
    public static bool operator !=(Cap<T> left, Cap<T> right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() => IsValid ? $"Cap<{typeof(T).Name}>[{Index}]" : $"Cap<{typeof(T).Name}>[invalid]";
}
