namespace Rtcr.Generators.Model;

/// <summary>Everything the emitters need to know about one annotated interface; holds no symbols.</summary>
/// <param name="Namespace">Namespace of the interface (empty for the global namespace).</param>
/// <param name="Name">Simple name, e.g. <c>ICpuSession</c>.</param>
/// <param name="HintName">Prefix of the generated files' hint names: the full metadata name (<c>N.Outer+IFoo</c>), unique per compilation.</param>
/// <param name="FullName">Fully qualified name with <c>global::</c>.</param>
/// <param name="Accessibility">"public" or "internal".</param>
/// <param name="Service">Service name for sessions; null for RPC objects.</param>
/// <param name="RestoreOrder">Restore order for sessions.</param>
/// <param name="Names">The generated types.</param>
/// <param name="Hook">Fully qualified hook type named by <c>[CapturedBy]</c>, or null.</param>
/// <param name="ShapeName">The namespace-qualified name the first state format hashed (<c>RecordedInterface.FullName</c>).</param>
/// <param name="Methods">Every abstract method of the interface and its base interfaces.</param>
internal sealed record InterfaceSpec(
    string Namespace,
    string Name,
    string HintName,
    string FullName,
    string Accessibility,
    string? Service,
    int RestoreOrder,
    GeneratedNames Names,
    string? Hook,
    string ShapeName,
    EquatableArray<MethodSpec> Methods)
{
    public bool IsSession => Service is not null;

    /// <summary>Short names of the generated types (the fully qualified ones end with these).</summary>
    public string RecorderName => Short(Names.Recorder);

    public string StateName => Short(Names.State);

    public string ReplayerName => Short(Names.Replayer);

    private static string Short(string fullName) => fullName.Substring(System.Math.Max(fullName.LastIndexOf('.'), fullName.LastIndexOf(':')) + 1);
}
