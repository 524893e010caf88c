using System.Linq;
using Rtcr.Generators.Model;

namespace Rtcr.Generators.Emitting;

/// <summary>
/// Emits the state model of an interface. What every state shares — settings, objects, hook state, the format
/// and the canonical form — is in the runtime's <c>RecordedState</c>/<c>RecordedSessionState</c>, <c>StateCall</c>
/// and <c>StateCreation</c>; this emits only what differs: the interface's recorded methods
/// (<c>RecordedInterface</c>), the reader's switch over their wire ids, and one record per recorded method.
/// </summary>
internal static class StateModelEmitter
{
    private const string R = "global::Rtcr.Recording.";

    public static string Emit(InterfaceSpec spec)
    {
        var w = new SourceWriter().FileHeader();
        bool hasNamespace = spec.Namespace.Length > 0;
        if (hasNamespace) w.Open("namespace " + spec.Namespace);
        var recorded = spec.Methods.Where(m => m.IsRecordedCall).ToList();
        string name = ValueCode.Literal(spec.Name);

        w.Line("/// <summary>");
        if (spec.IsSession)
            w.Line($"/// Recorded state of a <see cref=\"{Naming.Cref(spec.FullName)}\"/> session (service \"{Naming.XmlText(spec.Service!)}\"): creation arguments,");
        else
            w.Line($"/// Recorded state of a <see cref=\"{Naming.Cref(spec.FullName)}\"/> RPC object:");
        w.Line("/// the latest call per key, the objects it created and hook-captured state. Written by the recorder's");
        w.Line("/// <c>Capture</c>, read back by the replayer.");
        w.Line("/// </summary>");
        w.Line("[global::System.CodeDom.Compiler.GeneratedCode(\"Rtcr.Generators\", \"" + ThisAssembly.Version + "\")]");
        w.Open($"{spec.Accessibility} sealed partial class {spec.StateName} : {R}" + (spec.IsSession ? "RecordedSessionState" : "RecordedState"));

        w.Line($"/// <summary>The recorded methods of <see cref=\"{Naming.Cref(spec.FullName)}\"/>: what reading older states needs.</summary>");
        var shape = spec.Methods.Where(m => m.Kind is not (RecordingKind.Query or RecordingKind.Captures)).ToList();
        w.Line($"public static {R}RecordedInterface Shape {{ get; }} = new({ValueCode.Literal(spec.ShapeName)}, {name}, [" + (shape.Count == 0 ? "]);" : ""));
        for (int i = 0; i < shape.Count; i++)
            w.Line("    " + MethodShape(shape[i]) + (i == shape.Count - 1 ? "]);" : ","));
        w.Line();

        if (spec.IsSession)
        {
            w.Line("/// <summary>Creates an empty state of a session created with <paramref name=\"args\"/>.</summary>");
            w.Line($"public {spec.StateName}(global::Rtcr.Services.SessionArgs args) : base(args) {{ }}");
            w.Line();
            w.Line("/// <inheritdoc />");
            w.Line($"public override string Service => {ValueCode.Literal(spec.Service!)};");
            w.Line();
        }

        w.Line($"/// <summary>Reads a state written by <see cref=\"{Naming.Cref(R + "RecordedState.Write")}\"/>, or by an older shape of the interface (docs/schema-compatibility.md).</summary>");
        w.Line($"/// <exception cref=\"{Naming.Cref(R + "StateFormatException")}\">The data is truncated, corrupt, or of a shape this build cannot read.</exception>");
        w.Open($"public static {spec.StateName} Read(ref {R}StateReader reader)");
        if (spec.IsSession)
        {
            w.Line($"var args = {R}StateFormat.ReadSessionHeader(ref reader, {ValueCode.Literal(spec.Service!)}, Shape, out long upgradedRam, out long upgradedCaps, out var layout);");
            w.Line($"var state = new {spec.StateName}(args) {{ UpgradedRam = upgradedRam, UpgradedCaps = upgradedCaps }};");
        }
        else
        {
            w.Line($"var layout = {R}StateFormat.ReadObjectHeader(ref reader, Shape);");
            w.Line($"var state = new {spec.StateName}();");
        }
        w.Line($"state.ReadBody(ref reader, layout, Shape, ParseCall, hasHook: {(spec.Hook is not null ? "true" : "false")});");
        w.Line("return state;");
        w.Close();
        w.Line();

        w.Line($"private static {R}StateCall ParseCall(ref {R}CallReader call) => call.WireId switch");
        w.Line("{");
        foreach (var m in recorded) w.Line($"    {m.Id} => {m.CallType}.Read(ref call.Named({ValueCode.Literal(m.Name)})),");
        w.Line("    _ => throw call.Unknown(),");
        w.Line("};");

        foreach (var m in recorded) EmitCallType(w, spec, m);

        w.Close();
        if (hasNamespace) w.Close();
        return w.ToString();
    }

    /// <summary>The <c>RecordedMethod</c> of <paramref name="m"/>.</summary>
    private static string MethodShape(MethodSpec m)
    {
        string Nullable(string? s) => s is null ? "null" : ValueCode.Literal(s);
        var parts = new[]
        {
            m.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), ValueCode.Literal(m.StoredName), ValueCode.Literal(m.Kind.ToString()),
            Nullable(m.Key), Nullable(m.KeyArg), m.KeyFromResult ? "true" : "false", ValueCode.Literal(m.ReturnType),
            Nullable(m.Created?.Names is not null ? m.Created.Interface : null), m.Required.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }.Concat(m.Parameters.Select(p => ValueCode.Literal(p.Type)));
        return "new(" + string.Join(", ", parts) + ")";
    }

    private static void EmitCallType(SourceWriter w, InterfaceSpec spec, MethodSpec m)
    {
        var parameters = m.Parameters.ToList();
        var fields = parameters.Select(p => $"{ValueCode.StorageType(p)} {Naming.Property(p)}").ToList();
        string? childState = m.Created?.Names?.State;
        string arity = parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string baseCall;
        if (m.Kind == RecordingKind.Creates)
        {
            fields.Add("long Badge");
            fields.Add("long Sequence");
            if (childState is not null) fields.Add($"{childState}? Object");
            baseCall = $"{R}StateCreation({ValueCode.Literal(m.Name)}, {m.Id}, {arity}, {ValueCode.Literal(m.Created!.InterfaceName)}, Badge, Sequence{(childState is not null ? ", nests: true" : "")})";
        }
        else
        {
            baseCall = $"{R}StateCall({ValueCode.Literal(m.Name)}, {m.Id}, {arity})";
        }

        w.Line();
        // An overloaded name would make the cref ambiguous (CS0419): name it as text then.
        string method = spec.Methods.Count(x => x.Name == m.Name) > 1
            ? $"<c>{Naming.Display(m.ContainingInterface)}.{m.Identifier}</c>"
            : $"<see cref=\"{Naming.Cref(m.ContainingInterface)}.{m.Identifier}\"/>";
        w.Line($"/// <summary>A recorded call of {method}" +
               (parameters.Any(p => p.Kind == ValueKind.Capability) ? "; capabilities by badge." : ".") + "</summary>");
        w.Open($"public sealed record {m.CallType}({string.Join(", ", fields)}) : {baseCall}");
        if (parameters.Count > 0)
        {
            w.Line("/// <inheritdoc />");
            w.Open($"protected override void WriteArguments({R}StateWriter writer)");
            foreach (var p in parameters) w.Line(ValueCode.WriteArgument(p.Kind, Naming.Property(p)));
            w.Close();
            w.Line();
            w.Line("/// <inheritdoc />");
            w.Line("protected override string[] RenderArguments() => new[] { " + string.Join(", ", parameters.Select(p => ValueCode.Render(p.Kind, Naming.Property(p)))) + " };");
            w.Line();
        }
        if (childState is not null)
        {
            w.Line("/// <inheritdoc />");
            w.Line($"protected override {R}RecordedState? Child => Object;");
            w.Line();
        }
        var reads = parameters.Select(ValueCode.ReadArgument).ToList();
        if (m.Kind == RecordingKind.Creates)
        {
            reads.Add("call.Rest().ReadInt64()");
            reads.Add("call.Rest().ReadInt64()");
            if (childState is not null) reads.Add($"call.Rest().ReadBoolean() ? {childState}.Read(ref call.Rest()) : null");
        }
        // Arguments are evaluated left to right, which is the order Write wrote them in.
        w.Line($"internal static {m.CallType} Read(ref {R}CallReader call) => new({string.Join(", ", reads)});");
        w.Close();
    }
}
