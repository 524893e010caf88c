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
    public int LegacySchema => Hash(Methods.OrderBy(m => m.WireId).Select(m => m.LegacyText(m.ParameterTypes.Length)));

    /// <summary>
    /// How to read a format-1 state that carries <paramref name="schema"/>: the argument count per wire id of the
    /// shape that wrote it, or null when no shape this build can read from hashes to it.
    /// </summary>
    public StateLayout? LegacyLayout(int schema) => _legacy.GetOrAdd(schema, Find);

    private StateLayout? Find(int schema)
    {
        var methods = Methods.OrderBy(m => m.WireId).ToArray();
        // Per method: -1 (absent) or an arity from its required count up to all its parameters; the full shape first.
        var options = methods.Select(m => new[] { m.ParameterTypes.Length }
            .Concat(Enumerable.Range(m.Required, m.ParameterTypes.Length - m.Required).Reverse())
            .Append(-1).ToArray()).ToArray();
        long total = options.Aggregate(1L, (n, o) => n * o.Length);
        if (total > MaxCandidates) options = options.Select(o => new[] { o[0], -1 }).ToArray();
        var texts = methods.Select((m, i) => options[i].ToDictionary(a => a, a => a < 0 ? "" : m.LegacyText(a))).ToArray();
        var choice = new int[methods.Length];
        while (true)
        {
            if (Hash(choice.Select((c, i) => texts[i][options[i][c]])) == schema)
            {
                var arities = new Dictionary<int, int>();
                var kinds = new HashSet<string>(StringComparer.Ordinal);
                for (int i = 0; i < methods.Length; i++)
                    if (options[i][choice[i]] >= 0)
                    {
                        arities[methods[i].WireId] = options[i][choice[i]];
                        kinds.Add(methods[i].Kind);
                    }
                return new StateLayout(arities, kinds.Contains("Sets"), kinds.Contains("Creates"));
            }
            int k = 0;
            while (k < choice.Length && ++choice[k] == options[k].Length) choice[k++] = 0;
            if (k == choice.Length) return null;
        }
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
