namespace Rtcr.Recording;

/// <summary>
/// What a reader needs to know of one recorded method of an interface (every method but <c>[Query]</c> and
/// <c>[Captures]</c> ones): its wire id, and the recorded shape the first state format hashed, so that states
/// written in that format by an older shape of the interface can still be read (<see cref="RecordedInterface"/>).
/// Emitted by the generator; not meant to be built by hand.
/// </summary>
/// <param name="WireId">The id calls of the method are stored under: a hash of its wire name (<see cref="WireNameAttribute"/>);
/// for a method whose calls are not stored, its 1-based declaration position (what the first format hashed).</param>
/// <param name="Name">The wire name: the method's name unless <see cref="WireNameAttribute"/> gives another.</param>
/// <param name="Kind">The recording attribute's name (<c>Creates</c>, <c>Sets</c> …).</param>
/// <param name="Key">The <c>[Sets]</c>/<c>[Unsets]</c> key, or null.</param>
/// <param name="KeyArg">The parameter extending the key, or null.</param>
/// <param name="KeyFromResult">Whether the result extends the key.</param>
/// <param name="ReturnType">The fully qualified return type as the generator writes it.</param>
/// <param name="CreatedInterface">For <c>[Creates]</c> of an RPC object with its own recorder: that interface; else null.</param>
/// <param name="Required">How many leading parameters have no default value.</param>
/// <param name="ParameterTypes">The parameters' fully qualified types, in declaration order.</param>
public sealed record RecordedMethod(
    int WireId,
    string Name,
    string Kind,
    string? Key,
    string? KeyArg,
    bool KeyFromResult,
    string ReturnType,
    string? CreatedInterface,
    int Required,
    params string[] ParameterTypes)
{
    /// <summary>The method's part of the first format's shape hash, with its first <paramref name="arity"/> parameters and id <paramref name="id"/>.</summary>
    internal string LegacyText(int arity, int id)
    {
        var text = new System.Text.StringBuilder();
        text.Append('|').Append(id.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(Kind).Append(Name).Append(Key).Append(KeyArg)
            .Append(KeyFromResult ? "True" : "False").Append(ReturnType);
        for (int i = 0; i < arity; i++) text.Append(',').Append(ParameterTypes[i]);
        if (CreatedInterface is not null) text.Append("->").Append(CreatedInterface);
        return text.ToString();
    }
}
