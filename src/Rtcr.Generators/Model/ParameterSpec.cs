namespace Rtcr.Generators.Model;

/// <summary>A method parameter, as far as forwarding, recording and replay need it.</summary>
/// <param name="Name">Parameter name as declared (escaped with <c>@</c> when it is a keyword).</param>
/// <param name="Type">Fully qualified type, with nullable annotations.</param>
/// <param name="Modifier">"ref ", "out ", "in " or empty.</param>
/// <param name="Kind">How the value is recorded.</param>
/// <param name="CapTarget">For capabilities: the fully qualified interface the capability names.</param>
/// <param name="IsNullableString">For strings: whether null is a legal value.</param>
/// <param name="ReplayWithResult">The parameter receives the recorded result on replay.</param>
internal sealed record ParameterSpec(
    string Name,
    string Type,
    string Modifier,
    ValueKind Kind,
    string? CapTarget,
    bool IsNullableString,
    bool ReplayWithResult)
{
    /// <summary>The name without a leading <c>@</c>.</summary>
    public string PlainName => Name.TrimStart('@');
}
