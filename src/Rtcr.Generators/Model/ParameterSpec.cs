namespace Rtcr.Generators.Model;

/// <summary>A method parameter, as far as forwarding, recording and replay need it.</summary>
/// <param name="Name">Parameter name as declared (escaped with <c>@</c> when it is a keyword).</param>
/// <param name="Property">Name of the recorded call's property holding the value: PascalCase, unique within the method.</param>
/// <param name="Type">Fully qualified type, with nullable annotations (oblivious reference types as nullable).</param>
/// <param name="Modifier">"ref ", "out ", "in ", "ref readonly " or empty.</param>
/// <param name="Kind">How the value is recorded.</param>
/// <param name="CapTarget">For capabilities: the fully qualified interface the capability names.</param>
/// <param name="IsNullableString">For strings: whether null is a legal value.</param>
/// <param name="ReplayWithResult">The parameter receives the recorded result on replay.</param>
/// <param name="Default">The default value as C# source (<c> = 3</c> is emitted as <c>3</c>), or null without one.</param>
internal sealed record ParameterSpec(
    string Name,
    string Property,
    string Type,
    string Modifier,
    ValueKind Kind,
    string? CapTarget,
    bool IsNullableString,
    bool ReplayWithResult,
    string? Default)
{
    /// <summary>The name without a leading <c>@</c>.</summary>
    public string PlainName => Name.TrimStart('@');

    /// <summary>The modifier an argument passed on to a parameter like this one needs (<c>ref readonly</c> takes <c>in</c>).</summary>
    public string ArgumentModifier => Modifier == "ref readonly " ? "in " : Modifier;
}
