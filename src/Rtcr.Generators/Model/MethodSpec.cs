namespace Rtcr.Generators.Model;

/// <summary>One interface method and what its recording attribute asks for.</summary>
/// <param name="Name">Method name as declared.</param>
/// <param name="Id">Stable number of the method among the interface's recorded methods (serialized).</param>
/// <param name="CallType">Name of the state model's record type for calls of this method.</param>
/// <param name="ReturnType">Fully qualified return type, or "void".</param>
/// <param name="ReturnKind">How the result is recorded (for <c>KeyFromResult</c>).</param>
/// <param name="Kind">The recording attribute.</param>
/// <param name="Key">For <c>[Sets]</c>/<c>[Unsets]</c>: the key.</param>
/// <param name="KeyArg">For <c>[Sets]</c>/<c>[Unsets]</c>: the parameter extending the key.</param>
/// <param name="KeyFromResult">For <c>[Sets]</c>: the result extends the key.</param>
/// <param name="Created">For <c>[Creates]</c>: the created object.</param>
/// <param name="ContainingInterface">Fully qualified interface declaring the method.</param>
/// <param name="Parameters">The parameters, in declaration order.</param>
internal sealed record MethodSpec(
    string Name,
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
    EquatableArray<ParameterSpec> Parameters)
{
    public bool ReturnsVoid => ReturnType == "void";

    /// <summary>Whether calls of this method are stored in the state model.</summary>
    public bool IsRecordedCall => Kind is RecordingKind.Creates or RecordingKind.Sets;

    /// <summary>A <c>[Sets]</c> whose key is a constant (one slot, no allocation when recorded).</summary>
    public bool HasStaticKey => Kind is RecordingKind.Sets or RecordingKind.Unsets && KeyArg is null && !KeyFromResult;
}
