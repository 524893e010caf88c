using System.Collections.Concurrent;

namespace Rtcr.Recording;

/// <summary>
/// The recorded methods of one interface, as its generated state model reads them. States of format 2 are
/// self-describing (every call carries its argument count and every argument its <see cref="WireType"/>). States of
/// format 1 carry neither, only a hash of the writer's recorded shape; for them this type finds the shape that
/// hash names among the ones an allowed change can have come from — every recorded method present or not
/// (methods added since), and each with any number of its trailing optional parameters (arguments added since) —
/// and reads each call with the argument count it had then. Emitted by the generator.
/// </summary>
public sealed class RecordedInterface
{
    // Bounds the search of format-1 shapes (each candidate is one short hash); beyond it a state is refused.
    private const int MaxCandidates = 1 << 16;

    private readonly ConcurrentDictionary<int, StateLayout?> _legacy = new();

    /// <summary>Describes an interface.</summary>
    /// <param name="fullName">The interface's name as the first format hashed it (namespace-qualified, no <c>global::</c>).</param>
    /// <param name="name">The simple name, for messages.</param>
    /// <param name="methods">Its recorded methods.</param>
    public RecordedInterface(string fullName, string name, RecordedMethod[] methods)
    {
        FullName = fullName;
        Name = name;
        Methods = methods;
    }

    /// <summary>The interface's namespace-qualified name.</summary>
    public string FullName { get; }

    /// <summary>The simple name.</summary>
    public string Name { get; }

    /// <summary>Its recorded methods.</summary>
    public IReadOnlyList<RecordedMethod> Methods { get; }


    /// <summary>The first format's hash of this build's shape (what a format-1 state of an unchanged interface carries).</summary>
    public int LegacySchema => Hash(Methods.OrderBy(m => m.WireId).Select(m => m.LegacyText(m.ParameterTypes.Length, m.WireId)));

    /// <summary>
    /// How to read a format-1 state that carries <paramref name="schema"/>: the argument count per wire id of the
    /// shape that wrote it, or null when no shape this build can read from hashes to it.
    /// </summary>
    public StateLayout? LegacyLayout(int schema) => _legacy.GetOrAdd(schema, Find);

    private StateLayout? Find(int schema)
    {
        // Format 1 hashed the methods in wire-id order; a method whose calls are not stored ([Destroys], [Unsets],
        // [Upgrade]) had its 1-based declaration position as id, which methods added or queries removed before it
        // shift. Per method the options are: absent, or present with an arity from its required count up to all
        // of its parameters, and for an unstored method at a position up to a few more than today's (in
        // declaration order, as positions only shift). The full, unshifted shape is tried first.
        var options = Methods.Select(m => Options(m, wide: true)).ToArray();
        if (options.Aggregate(1L, (n, o) => n * o.Length) > MaxCandidates)
            options = Methods.Select(m => Options(m, wide: false)).ToArray();
        var choice = new int[options.Length];
        while (true)
        {
            var chosen = choice.Select((c, i) => options[i][c]).ToArray();
            if (InDeclarationOrder(chosen)
                && Hash(chosen.Where(o => o.Arity >= 0).OrderBy(o => o.Id).Select(o => o.Text)) == schema)
            {
                var arities = new Dictionary<int, int>();
                var kinds = new HashSet<string>(StringComparer.Ordinal);
                for (int i = 0; i < chosen.Length; i++)
                {
                    if (chosen[i].Arity < 0) continue;
                    kinds.Add(Methods[i].Kind);
                    if (IsStored(Methods[i])) arities[Methods[i].WireId] = chosen[i].Arity;
                }
                return new StateLayout(arities, kinds.Contains("Sets"), kinds.Contains("Creates"));
            }
            int k = 0;
            while (k < choice.Length && ++choice[k] == options[k].Length) choice[k++] = 0;
            if (k == choice.Length) return null;
        }
    }

    private readonly record struct Option(int Arity, int Id, string Text);

    private static bool IsStored(RecordedMethod m) => m.Kind is "Creates" or "Sets";

    private static Option[] Options(RecordedMethod m, bool wide)
    {
        var arities = new[] { m.ParameterTypes.Length }.Concat(Enumerable.Range(m.Required, m.ParameterTypes.Length - m.Required).Reverse());
        var ids = IsStored(m) || !wide ? [m.WireId] : new[] { m.WireId }.Concat(Enumerable.Range(1, m.WireId + 8).Where(id => id != m.WireId));
        return ids.SelectMany(id => arities.Select(a => new Option(a, id, m.LegacyText(a, id)))).Append(new Option(-1, 0, "")).ToArray();
    }

    // Unstored methods keep their relative order: their positions must increase in declaration order.
    private bool InDeclarationOrder(Option[] chosen)
    {
        int last = 0;
        for (int i = 0; i < chosen.Length; i++)
        {
            if (chosen[i].Arity < 0 || IsStored(Methods[i])) continue;
            if (chosen[i].Id <= last) return false;
            last = chosen[i].Id;
        }
        return true;
    }

    private int Hash(IEnumerable<string> methods)
    {
        uint hash = 2166136261;
        foreach (char c in FullName) hash = unchecked((hash ^ c) * 16777619);
        foreach (var text in methods)
            foreach (char c in text) hash = unchecked((hash ^ c) * 16777619);
        return unchecked((int)hash);
    }
}
