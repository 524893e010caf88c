namespace Rtcr.Generators.Model;

/// <summary>The RPC object a <c>[Creates]</c> method returns a capability to.</summary>
/// <param name="Interface">Fully qualified interface (the <c>T</c> of <c>Cap&lt;T&gt;</c>).</param>
/// <param name="InterfaceName">Simple name, used in the canonical record.</param>
/// <param name="Names">Generated types of the object's recorder, when it is an <c>[RtcrRpcObject]</c> that records anything.</param>
internal sealed record CreatedObjectSpec(string Interface, string InterfaceName, GeneratedNames? Names);
