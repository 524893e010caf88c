namespace Rtcr.Recording;

/// <summary>
/// How the calls of one state are laid out: format 2 (each call says how many arguments it has, each argument
/// its type), or format 1 (bare values; the argument count per method comes from the shape that wrote it).
/// </summary>
public sealed class StateLayout
{
    private readonly IReadOnlyDictionary<int, int>? _arities;

    internal StateLayout(IReadOnlyDictionary<int, int>? arities, bool hasSettings = true, bool hasObjects = true)
    {
        _arities = arities;
        HasSettings = hasSettings;
        HasObjects = hasObjects;
    }

    /// <summary>Whether the state stores a settings list (format 1 stored one only for interfaces with a <c>[Sets]</c> method).</summary>
    public bool HasSettings { get; }

    /// <summary>Whether the state stores an objects list (format 1 stored one only for interfaces with a <c>[Creates]</c> method).</summary>
    public bool HasObjects { get; }

    /// <summary>Format 2: self-describing calls.</summary>
    public static StateLayout Tagged { get; } = new(null);

    /// <summary>Whether calls carry their argument count and argument types.</summary>
    public bool IsTagged => _arities is null;

    /// <summary>For format 1: the argument count calls of <paramref name="wireId"/> were written with; false for a method the writer did not have.</summary>
    internal bool TryGetArity(int wireId, out int arity)
    {
        arity = 0;
        return _arities is not null && _arities.TryGetValue(wireId, out arity);
    }
}
