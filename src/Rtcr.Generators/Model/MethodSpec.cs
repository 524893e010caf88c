using System.Linq;

namespace Rtcr.Generators.Model;

/// <summary>One interface method and what its recording attribute asks for.</summary>
/// <param name="Name">Method name as declared, without a keyword's <c>@</c>.</param>
/// <param name="Identifier">The name as a C# identifier (<c>@class</c>).</param>
/// <param name="Id">Wire id of the method's recorded calls (serialized): stable across added, removed and reordered methods.</param>
/// <param name="CallType">Name of the state model's record type for calls of this method.</param>
/// <param name="ReturnType">Fully qualified return type, or "void".</param>
/// <param name="ReturnKind">How the result is recorded (for <c>KeyFromResult</c>).</param>
/// <param name="Kind">The recording attribute.</param>
/// <param name="Key">For <c>[Sets]</c>/<c>[Unsets]</c>: the key.</param>
/// <param name="KeyArg">For <c>[Sets]</c>/<c>[Unsets]</c>: the parameter extending the key.</param>
/// <param name="KeyFromResult">For <c>[Sets]</c>: the result extends the key.</param>
/// <param name="Created">For <c>[Creates]</c>: the created object.</param>
/// <param name="ContainingInterface">Fully qualified interface declaring the method.</param>
/// <param name="Receiver">How generated code calls the method on a reference of the recorded interface:
/// empty, or a cast to <see cref="ContainingInterface"/> when another interface declares the same name.</param>
/// <param name="Explicit">The recorder implements the method explicitly (its name or signature is taken).</param>
/// <param name="Parameters">The parameters, in declaration order.</param>
/// <param name="WireName">The name <c>[WireName]</c> stores the method's calls under, or null for its own name.</param>
internal sealed record MethodSpec(
    string Name,
    string Identifier,
    int Id,
    string CallType,
    string ReturnType,
    ValueKind ReturnKind,
    RecordingKind Kind,
    string? Key,
    string? KeyArg,
    bool KeyFromResult,
    CreatedObjectSpec? Created,
    string ContainingInterface,
    bool Receiver,
    bool Explicit,
    EquatableArray<ParameterSpec> Parameters,
    string? WireName = null)
{
    /// <summary>The name the method's calls are stored under (and the first state format hashed).</summary>
    public string StoredName => WireName ?? Name;

    /// <summary>How many leading parameters have no default value.</summary>
    public int Required => Parameters.TakeWhile(p => p.Default is null).Count();

    public bool ReturnsVoid => ReturnType == "void";

    /// <summary>Whether calls of this method are stored in the state model.</summary>
    public bool IsRecordedCall => Kind is RecordingKind.Creates or RecordingKind.Sets;

    /// <summary>A <c>[Sets]</c> whose key is a constant (one slot, no allocation when recorded).</summary>
    public bool HasStaticKey => Kind is RecordingKind.Sets or RecordingKind.Unsets && KeyArg is null && !KeyFromResult;

    /// <summary>The call of this method on <paramref name="target"/>, an expression of the recorded interface's type.</summary>
    public string On(string target) => Receiver ? $"(({ContainingInterface}){target}).{Identifier}" : $"{target}.{Identifier}";
}
