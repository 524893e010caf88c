using System.Linq;
using Rtcr.Generators.Model;

namespace Rtcr.Generators.Emitting;

/// <summary>
/// Emits the state model of an interface: a plain class holding creation arguments, upgrades, the latest
/// call per key and the created objects, with its own binary writer/reader (MemoryPack's generator cannot
/// see generated types) and its canonical <c>SessionRecord</c> form.
/// </summary>
internal static class StateModelEmitter
{
    private const string StateWriter = "global::Rtcr.Recording.StateWriter";
    private const string StateReader = "global::Rtcr.Recording.StateReader";
    private const string FormatError = "global::Rtcr.Recording.StateFormatException";
    private const string RecordedCall = "global::Rtcr.Recording.RecordedCall";
    private const string ObjectRecord = "global::Rtcr.Recording.ObjectRecord";
    private const string List = "global::System.Collections.Generic.List";

    /// <summary>The key of a creation call in the canonical record.</summary>
    public const string CreationKey = "creates";

    public static string Emit(InterfaceSpec spec)
    {
        var w = new SourceWriter().FileHeader();
        bool hasNamespace = spec.Namespace.Length > 0;
        if (hasNamespace) w.Open("namespace " + spec.Namespace);

        bool hasSettings = spec.Methods.Any(m => m.Kind == RecordingKind.Sets);
        bool hasObjects = spec.Methods.Any(m => m.Kind == RecordingKind.Creates);
        bool hasHook = spec.Hook is not null;

        w.Line("/// <summary>");
        if (spec.IsSession)
            w.Line($"/// Recorded state of a <see cref=\"{Naming.Cref(spec.FullName)}\"/> session (service \"{Naming.XmlText(spec.Service!)}\"): creation arguments,");
        else
            w.Line($"/// Recorded state of a <see cref=\"{Naming.Cref(spec.FullName)}\"/> RPC object:");
        w.Line("/// the latest call per key, the objects it created and hook-captured state. Written by the recorder's");
        w.Line("/// <c>Capture</c>, read back by the replayer.");
        w.Line("/// </summary>");
        w.Line("[global::System.CodeDom.Compiler.GeneratedCode(\"Rtcr.Generators\", \"" + ThisAssembly.Version + "\")]");
        w.Open($"{spec.Accessibility} sealed partial class {spec.StateName}" + (spec.IsSession ? " : global::Rtcr.Recording.ISessionState" : ""));

        w.Line("/// <summary>Hash of the recorded shape of the interface; a state of another shape is rejected when read.</summary>");
        w.Line($"public const int Schema = {spec.Schema};");
        w.Line();

        if (spec.IsSession)
        {
            w.Line("/// <summary>Creates an empty state of a session created with <paramref name=\"args\"/>.</summary>");
            w.Line($"public {spec.StateName}(global::Rtcr.Services.SessionArgs args) => Args = args;");
            w.Line();
            w.Line("/// <inheritdoc />");
            w.Line($"public string Service => {ValueCode.Literal(spec.Service!)};");
            w.Line();
            w.Line("/// <inheritdoc />");
            w.Line("public global::Rtcr.Services.SessionArgs Args { get; }");
            w.Line();
            w.Line("/// <summary>RAM quota added by upgrades since the session was created.</summary>");
            w.Line("public long UpgradedRam { get; set; }");
            w.Line();
            w.Line("/// <summary>Capability quota added by upgrades since the session was created.</summary>");
            w.Line("public long UpgradedCaps { get; set; }");
            w.Line();
        }
        if (hasSettings)
        {
            w.Line("/// <summary>The latest call per key, in the order the keys were first set.</summary>");
            w.Line($"public {List}<Setting> Settings {{ get; }} = new();");
            w.Line();
        }
        if (hasObjects)
        {
            w.Line("/// <summary>The live objects created through this interface, in creation order.</summary>");
            w.Line($"public {List}<Creation> Objects {{ get; }} = new();");
            w.Line();
        }
        if (hasHook)
        {
            w.Line($"/// <summary>What <see cref=\"{Naming.Cref(spec.Hook!)}\"/> captured, or null before a capture.</summary>");
            w.Line("public byte[]? HookState { get; set; }");
            w.Line();
        }

        EmitWrite(w, spec, hasSettings, hasObjects, hasHook);
        EmitRead(w, spec, hasSettings, hasObjects, hasHook);
        EmitRecords(w, spec, hasSettings, hasObjects);
        EmitCallTypes(w, spec, hasSettings, hasObjects);

        w.Close();
        if (hasNamespace) w.Close();
        return w.ToString();
    }

    private const string Format = "global::Rtcr.Recording.StateFormat";

    private static void EmitWrite(SourceWriter w, InterfaceSpec spec, bool hasSettings, bool hasObjects, bool hasHook)
    {
        w.Line(spec.IsSession ? "/// <inheritdoc />" : "/// <summary>Serializes the state (read back by <see cref=\"Read\"/>).</summary>");
        w.Open($"public void Write({StateWriter} writer)");
        w.Line(spec.IsSession ? $"{Format}.WriteSessionHeader(writer, Service, Schema, Args, UpgradedRam, UpgradedCaps);" : "writer.WriteInt32(Schema);");
        if (hasSettings)
        {
            w.Line("writer.WriteInt32(Settings.Count);");
            w.Open("foreach (var setting in Settings)");
            w.Line("writer.WriteString(setting.Key);");
            w.Line("setting.Call.Write(writer);");
            w.Close();
        }
        if (hasObjects)
        {
            w.Line("writer.WriteInt32(Objects.Count);");
            w.Line("foreach (var creation in Objects) creation.Write(writer);");
        }
        if (hasHook)
        {
            w.Line("writer.WriteBoolean(HookState is not null);");
            w.Line("if (HookState is not null) writer.WriteBytes(HookState);");
        }
        w.Close();
        w.Line();
    }

    private static void EmitRead(SourceWriter w, InterfaceSpec spec, bool hasSettings, bool hasObjects, bool hasHook)
    {
        string name = ValueCode.Literal(spec.Name);
        w.Line($"/// <summary>Reads a state written by <see cref=\"Write\"/>.</summary>");
        w.Line($"/// <exception cref=\"{Naming.Cref(FormatError)}\">The data is truncated, corrupt, or of another service or shape.</exception>");
        w.Open($"public static {spec.StateName} Read(ref {StateReader} reader)");
        if (spec.IsSession)
        {
            w.Line($"var args = {Format}.ReadSessionHeader(ref reader, {ValueCode.Literal(spec.Service!)}, Schema, {name}, out long upgradedRam, out long upgradedCaps);");
            w.Line($"var state = new {spec.StateName}(args) {{ UpgradedRam = upgradedRam, UpgradedCaps = upgradedCaps }};");
        }
        else
        {
            w.Line($"{Format}.ReadSchema(ref reader, Schema, {name});");
            w.Line($"var state = new {spec.StateName}();");
        }
        if (hasSettings)
        {
            w.Line($"int settings = {Format}.ReadCount(ref reader, {name});");
            w.Line("for (int i = 0; i < settings; i++)");
            w.Line("    state.Settings.Add(new Setting(reader.ReadRequiredString(), Call.ReadFrom(ref reader)));");
        }
        if (hasObjects)
        {
            w.Line($"int objects = {Format}.ReadCount(ref reader, {name});");
            w.Line("for (int i = 0; i < objects; i++)");
            w.Line($"    state.Objects.Add(Call.ReadFrom(ref reader) as Creation ?? throw new {FormatError}({ValueCode.Literal("a recorded object was not created by a [Creates] method of " + spec.Name)}));");
        }
        if (hasHook)
            w.Line("if (reader.ReadBoolean()) state.HookState = reader.ReadBytes().ToArray();");
        w.Line("return state;");
        w.Close();
        w.Line();
    }

    private static void EmitRecords(SourceWriter w, InterfaceSpec spec, bool hasSettings, bool hasObjects)
    {
        if (spec.IsSession)
        {
            w.Line("/// <inheritdoc />");
            w.Line("public global::Rtcr.Recording.SessionRecord ToRecord() => new(Service, Args, UpgradedRam, UpgradedCaps, SettingRecords(), ObjectRecords());");
            w.Line();
        }
        w.Line(hasSettings ? "/// <summary>The canonical form of <see cref=\"Settings\"/>.</summary>" : "/// <summary>The canonical form of the recorded settings (this interface records none).</summary>");
        w.Line($"public global::System.Collections.Generic.IReadOnlyList<{RecordedCall}> SettingRecords() => " +
               (hasSettings ? $"{Format}.Records(Settings, static setting => setting.Call.ToRecord(setting.Key));" : $"global::System.Array.Empty<{RecordedCall}>();"));
        w.Line();
        w.Line(hasObjects ? "/// <summary>The canonical form of <see cref=\"Objects\"/>, in creation order.</summary>" : "/// <summary>The canonical form of the created objects (this interface creates none).</summary>");
        w.Line($"public global::System.Collections.Generic.IReadOnlyList<{ObjectRecord}> ObjectRecords() => " +
               (hasObjects ? $"{Format}.Records(Objects, static creation => creation.ToObjectRecord());" : $"global::System.Array.Empty<{ObjectRecord}>();"));
    }

    private static void EmitCallTypes(SourceWriter w, InterfaceSpec spec, bool hasSettings, bool hasObjects)
    {
        var recorded = spec.Methods.Where(m => m.IsRecordedCall).ToList();
        if (recorded.Count == 0) return;

        if (hasSettings)
        {
            w.Line();
            w.Line("/// <summary>The latest call recorded under <paramref name=\"Key\"/>.</summary>");
            w.Line("public sealed record Setting(string Key, Call Call);");
        }

        w.Line();
        w.Line($"/// <summary>A recorded call of a method of <see cref=\"{Naming.Cref(spec.FullName)}\"/>.</summary>");
        w.Open("public abstract record Call");
        w.Line("/// <summary>The method's name as declared.</summary>");
        w.Line("public abstract string Method { get; }");
        w.Line();
        w.Line("/// <summary>The canonical form, recorded under <paramref name=\"key\"/>.</summary>");
        w.Line($"public abstract {RecordedCall} ToRecord(string key);");
        w.Line();
        w.Line($"internal abstract void Write({StateWriter} writer);");
        w.Line();
        w.Open($"internal static Call ReadFrom(ref {StateReader} reader)");
        w.Line("int method = reader.ReadInt32();");
        w.Line("return method switch");
        w.Line("{");
        foreach (var m in recorded) w.Line($"    {m.Id} => {m.CallType}.Read(ref reader),");
        w.Line($"    _ => throw new {FormatError}({ValueCode.Literal("unknown recorded method ")} + method + {ValueCode.Literal(" of " + spec.Name)}),");
        w.Line("};");
        w.Close();
        w.Close();

        if (hasObjects)
        {
            w.Line();
            w.Line("/// <summary>A recorded <c>[Creates]</c> call and the object it created.</summary>");
            w.Line("/// <param name=\"Badge\">Badge of the created object when it was recorded.</param>");
            w.Line("/// <param name=\"Sequence\">Position among the client's recorded events.</param>");
            w.Open("public abstract record Creation(long Badge, long Sequence) : Call");
            w.Line("/// <summary>The canonical form of the created object.</summary>");
            w.Line($"public abstract {ObjectRecord} ToObjectRecord();");
            w.Close();
        }

        foreach (var m in recorded) EmitCallType(w, spec, m);
    }

    private static void EmitCallType(SourceWriter w, InterfaceSpec spec, MethodSpec m)
    {
        var parameters = m.Parameters.ToList();
        var fields = parameters.Select(p => $"{ValueCode.StorageType(p)} {Naming.Property(p)}").ToList();
        string? childState = m.Created?.Names?.State;
        if (m.Kind == RecordingKind.Creates)
        {
            fields.Add("long Badge");
            fields.Add("long Sequence");
            if (childState is not null) fields.Add($"{childState}? Object");
        }
        string baseType = m.Kind == RecordingKind.Creates ? "Creation(Badge, Sequence)" : "Call";

        w.Line();
        // An overloaded name would make the cref ambiguous (CS0419): name it as text then.
        string method = spec.Methods.Count(x => x.Name == m.Name) > 1
            ? $"<c>{Naming.Cref(m.ContainingInterface)}.{m.Identifier}</c>"
            : $"<see cref=\"{Naming.Cref(m.ContainingInterface)}.{m.Identifier}\"/>";
        w.Line($"/// <summary>A recorded call of {method}" +
               (parameters.Any(p => p.Kind == ValueKind.Capability) ? "; capabilities by badge." : ".") + "</summary>");
        w.Open($"public sealed record {m.CallType}({string.Join(", ", fields)}) : {baseType}");
        w.Line("/// <inheritdoc />");
        w.Line($"public override string Method => {ValueCode.Literal(m.Name)};");
        w.Line();
        w.Line("/// <inheritdoc />");
        string arguments = parameters.Count == 0 ? $"global::System.Array.Empty<string>()"
            : "new[] { " + string.Join(", ", parameters.Select(p => ValueCode.Render(p.Kind, Naming.Property(p)))) + " }";
        w.Line($"public override {RecordedCall} ToRecord(string key) => new(key, Method, {arguments});");
        w.Line();

        if (m.Kind == RecordingKind.Creates)
        {
            w.Line("/// <inheritdoc />");
            string iface = ValueCode.Literal(m.Created!.InterfaceName);
            if (childState is not null)
                w.Line($"public override {ObjectRecord} ToObjectRecord() => new(Badge, {iface}, ToRecord({ValueCode.Literal(CreationKey)}), " +
                       $"Object?.SettingRecords() ?? global::System.Array.Empty<{RecordedCall}>(), Object?.ObjectRecords() ?? global::System.Array.Empty<{ObjectRecord}>());");
            else
                w.Line($"public override {ObjectRecord} ToObjectRecord() => new(Badge, {iface}, ToRecord({ValueCode.Literal(CreationKey)}), " +
                       $"global::System.Array.Empty<{RecordedCall}>(), global::System.Array.Empty<{ObjectRecord}>());");
            w.Line();
        }

        w.Open($"internal override void Write({StateWriter} writer)");
        w.Line($"writer.WriteInt32({m.Id});");
        foreach (var p in parameters) w.Line(ValueCode.Write(p.Kind, Naming.Property(p)));
        if (m.Kind == RecordingKind.Creates)
        {
            w.Line("writer.WriteInt64(Badge);");
            w.Line("writer.WriteInt64(Sequence);");
            if (childState is not null)
            {
                w.Line("writer.WriteBoolean(Object is not null);");
                w.Line("Object?.Write(writer);");
            }
        }
        w.Close();
        w.Line();

        var reads = parameters.Select(ValueCode.Read).ToList();
        if (m.Kind == RecordingKind.Creates)
        {
            reads.Add("reader.ReadInt64()");
            reads.Add("reader.ReadInt64()");
            if (childState is not null) reads.Add($"reader.ReadBoolean() ? {childState}.Read(ref reader) : null");
        }
        // Arguments are evaluated left to right, which is the order Write wrote them in.
        w.Line($"internal static {m.CallType} Read(ref {StateReader} reader) => new({string.Join(", ", reads)});");
        w.Close();
    }
}
