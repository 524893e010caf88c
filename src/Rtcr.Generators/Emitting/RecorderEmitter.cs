using System.Collections.Generic;
using System.Linq;
using Rtcr.Generators.Model;

namespace Rtcr.Generators.Emitting;

/// <summary>
/// Emits the recording proxy of an interface: it implements the interface, forwards every call to the
/// object it wraps and, after the call succeeded, records what a restore needs. Constant-key settings live
/// in plain fields, so recording them allocates nothing; only keyed settings and creations allocate.
/// </summary>
internal static class RecorderEmitter
{
    private const string Context = "global::Rtcr.Recording.RecordingContext";
    private const string Args = "global::Rtcr.Services.SessionArgs";
    private const string ObjectBase = "global::Rtcr.Recording.Recorder";
    private const string SessionBase = "global::Rtcr.Recording.SessionRecorder";

    /// <summary>
    /// The protected members of <c>Rtcr.Recording.Recorder&lt;T&gt;</c> and <c>SessionRecorder&lt;T&gt;</c> the generated code calls: a
    /// parameter of one of these names (or of a field's, starting with "_") makes it reach them through <c>this</c>.
    /// </summary>
    internal static readonly string[] BaseHelpers =
        { "RecordSetting", "ForgetSetting", "IsRecorded", "RecordCreation", "ForgetCreation", "Interpose", "RecordUpgrade", "TakeRecorded", "CaptureHook" };

    public static string Emit(InterfaceSpec spec)
    {
        var w = new SourceWriter().FileHeader();
        bool hasNamespace = spec.Namespace.Length > 0;
        if (hasNamespace) w.Open("namespace " + spec.Namespace);

        var methods = spec.Methods.ToList();
        var staticKeys = StaticKeys(methods);

        w.Line("/// <summary>");
        if (spec.IsSession)
            w.Line($"/// Recording proxy of <see cref=\"{Naming.Cref(spec.FullName)}\"/> sessions (service \"{Naming.XmlText(spec.Service!)}\"): forwards every call");
        else
            w.Line($"/// Recording proxy of <see cref=\"{Naming.Cref(spec.FullName)}\"/> objects: forwards every call");
        w.Line("/// to the object it wraps and records what a restore needs to rebuild it; a recorded call is forwarded and");
        w.Line("/// recorded under one gate, so the record always matches the object's state (and creations are recorded in the");
        w.Line("/// order they happened), and a failed call records nothing.");
        w.Line("/// </summary>");
        w.Line("[global::System.CodeDom.Compiler.GeneratedCode(\"Rtcr.Generators\", \"" + ThisAssembly.Version + "\")]");
        string baseType = spec.IsSession ? $"{SessionBase}<{spec.FullName}>" : $"{ObjectBase}<{spec.FullName}>";
        w.Open($"{spec.Accessibility} sealed partial class {spec.RecorderName} : {baseType}, {spec.FullName}" + (spec.IsSession ? ", global::Rtcr.Recording.ISessionRecorder" : ""));

        // Fields: only the constant keys' slots; everything else the base type keeps.
        foreach (var key in staticKeys)
        {
            w.Line($"// [Sets({ValueCode.Literal(key.Key)})], guarded by _gate: order of first set (0 = not set)" + (key.Methods.Count > 1 ? ", which method set it last, and its arguments." : " and the latest arguments."));
            w.Line($"private long {key.Slot}Order;");
            if (key.Methods.Count > 1) w.Line($"private int {key.Slot}Method;");
            foreach (var m in key.Methods)
                foreach (var p in m.Parameters)
                    w.Line($"private {ValueCode.StorageType(p)} {key.Fields[(m, p)]}" + (p.Kind == ValueKind.String && !p.IsNullableString ? " = \"\";" : ";"));
            w.Line();
        }

        // Constructor.
        w.Line($"/// <summary>Puts a recorder in front of <paramref name=\"inner\"/>.</summary>");
        w.Line("/// <param name=\"inner\">The real object; every call is forwarded to it.</param>");
        w.Line("/// <param name=\"context\">The client whose capabilities the calls carry.</param>");
        if (spec.IsSession)
        {
            w.Line("/// <param name=\"args\">The arguments the session was created with.</param>");
            w.Line($"public {spec.RecorderName}({spec.FullName} inner, {Context} context, {Args} args) : base(inner, context, args, {ValueCode.Literal(spec.Service!)}) {{ }}");
        }
        else
        {
            w.Line($"public {spec.RecorderName}({spec.FullName} inner, {Context} context) : base(inner, context) {{ }}");
        }
        w.Line();

        foreach (var m in methods) EmitMethod(w, spec, m, staticKeys);

        EmitCapture(w, spec, staticKeys);

        w.Close();
        if (hasNamespace) w.Close();
        return w.ToString();
    }

    /// <summary>A constant key: its slot's field prefix, the <c>[Sets]</c> methods writing it and their argument fields.</summary>
    private sealed class StaticKey(string key, string slot)
    {
        public string Key { get; } = key;

        public string Slot { get; } = slot;

        public List<MethodSpec> Methods { get; } = new();

        public Dictionary<(MethodSpec, ParameterSpec), string> Fields { get; } = new();
    }

    /// <summary>
    /// Constant keys in first-declared order. Field names are allocated against each other and the base type's
    /// fields, so keys differing only in punctuation ("a-b", "a_b") and overloads sharing parameter names
    /// get distinct fields.
    /// </summary>
    private static List<StaticKey> StaticKeys(List<MethodSpec> methods)
    {
        var used = new HashSet<string> { "_inner", "_context", "_gate", "_nextOrder" };
        string Allocate(string name, params string[] suffixes)
        {
            string candidate = name;
            for (int n = 2; suffixes.Any(x => used.Contains(candidate + x)); n++) candidate = name + n;
            foreach (var x in suffixes) used.Add(candidate + x);
            return candidate;
        }
        var keys = new List<StaticKey>();
        foreach (var m in methods.Where(m => m.Kind == RecordingKind.Sets && m.HasStaticKey))
        {
            var key = keys.FirstOrDefault(k => k.Key == m.Key);
            if (key is null) keys.Add(key = new StaticKey(m.Key!, Allocate(Naming.KeySlot(m.Key!), "Order", "Method")));
            key.Methods.Add(m);
        }
        foreach (var key in keys)
            foreach (var m in key.Methods)
                foreach (var p in m.Parameters)
                    key.Fields[(m, p)] = Allocate(Naming.Field(m, p), "");
        return keys;
    }

    /// <summary>The state type as the recorder names it: qualified when an interface method has its simple name.</summary>
    private static string StateType(InterfaceSpec spec) =>
        spec.Methods.Any(m => m.Name == spec.StateName) ? spec.Names.State : spec.StateName;

    /// <summary>A local variable name that does not collide with a parameter of <paramref name="m"/>.</summary>
    private static string Local(MethodSpec m, string name)
    {
        while (m.Parameters.Any(p => p.PlainName == name)) name += "_";
        return name;
    }

    /// <summary>The implementing signature: public, or explicit when the name is taken (explicit ones take no defaults).</summary>
    private static string Signature(MethodSpec m) =>
        (m.Explicit ? $"{m.ReturnType} {m.ContainingInterface}.{m.Identifier}(" : $"public {m.ReturnType} {m.Identifier}(")
        + string.Join(", ", m.Parameters.Select(p => p.Modifier + p.Type + " " + p.Name + (p.Default is null || m.Explicit ? "" : " = " + p.Default))) + ")";

    private static string Forward(MethodSpec m, string self) =>
        $"{m.On(self + "_inner")}({string.Join(", ", m.Parameters.Select(p => p.ArgumentModifier + p.Name))})";

    private static void EmitMethod(SourceWriter w, InterfaceSpec spec, MethodSpec m, List<StaticKey> staticKeys)
    {
        string state = StateType(spec);
        // A parameter may be named like a field (_inner) or a helper of the base type: then they are reached through this.
        string self = m.Parameters.Any(p => p.PlainName.StartsWith("_", System.StringComparison.Ordinal) || BaseHelpers.Contains(p.PlainName)) ? "this." : "";
        string result = Local(m, "result"), badge = Local(m, "badge"), call = Local(m, "call"), key = Local(m, "key");
        string recorder = Local(m, "recorder"), obj = Local(m, "obj"), ctx = Local(m, "ctx");
        string forward = Forward(m, self);
        string forwardAndKeep = m.ReturnsVoid ? forward + ";" : $"var {result} = {forward};";
        string Recorded(ParameterSpec p) => p.Kind == ValueKind.Capability ? $"{self}_context.BadgeOf({p.Name})" : p.Name;
        string gate = $"using ({self}_gate.Enter())";

        if (!m.Explicit) w.Line("/// <inheritdoc />");
        switch (m.Kind)
        {
            case RecordingKind.Query:
            case RecordingKind.Captures:
            case RecordingKind.Upgrade when !spec.IsSession:
                w.Line($"{Signature(m)} => {forward};");
                w.Line();
                return;
        }

        w.Open(Signature(m));
        switch (m.Kind)
        {
            case RecordingKind.Creates:
            {
                var names = m.Created!.Names;
                w.Open(gate);
                w.Line($"var {result} = {forward};");
                w.Line($"long {badge} = {self}_context.BadgeOf({result});");
                w.Line($"if ({self}IsRecorded({badge})) return {result};");
                var args = m.Parameters.Select(Recorded).Concat(new[] { badge, $"{self}_context.NextSequence()" });
                if (names is not null)
                {
                    args = args.Concat(new[] { "null" });
                    w.Line($"var {recorder} = {self}Interpose({result}, {badge}, static ({obj}, {ctx}) => new {names.Recorder}({obj}, {ctx}));");
                    w.Line($"{self}RecordCreation({badge}, new {state}.{m.CallType}({string.Join(", ", args)}), {recorder});");
                }
                else
                {
                    w.Line($"{self}RecordCreation({badge}, new {state}.{m.CallType}({string.Join(", ", args)}), null);");
                }
                w.Line($"return {result};");
                w.Close();
                break;
            }
            case RecordingKind.Destroys:
            {
                var cap = m.Parameters.First(p => p.Kind == ValueKind.Capability);
                bool tracked = spec.Methods.Any(x => x.Kind == RecordingKind.Creates);
                if (!tracked)
                {
                    w.Line(forwardAndKeep);
                    if (!m.ReturnsVoid) w.Line($"return {result};");
                    break;
                }
                w.Open(gate);
                w.Line("// Read before the call: afterwards the capability may name nothing.");
                w.Line($"long {badge} = {self}_context.BadgeOf({cap.Name});");
                w.Line(forwardAndKeep);
                w.Line($"{self}ForgetCreation({badge});");
                if (!m.ReturnsVoid) w.Line($"return {result};");
                w.Close();
                break;
            }
            case RecordingKind.Upgrade:
                w.Open(gate);
                w.Line(forward + ";");
                w.Line($"{self}RecordUpgrade({m.Parameters[0].Name}, {m.Parameters[1].Name});");
                w.Close();
                break;
            case RecordingKind.Sets when m.HasStaticKey:
            {
                var slot = staticKeys.First(k => k.Key == m.Key);
                w.Open(gate);
                w.Line(forwardAndKeep);
                w.Line($"if ({self}{slot.Slot}Order == 0) {self}{slot.Slot}Order = ++{self}_nextOrder;");
                if (slot.Methods.Count > 1) w.Line($"{self}{slot.Slot}Method = {slot.Methods.IndexOf(m) + 1};");
                foreach (var p in m.Parameters)
                    w.Line($"{self}{slot.Fields[(m, p)]} = {Recorded(p)};");
                if (!m.ReturnsVoid) w.Line($"return {result};");
                w.Close();
                break;
            }
            case RecordingKind.Sets:
            {
                var args = m.Parameters.Select(p => p.ReplayWithResult ? result : Recorded(p)).ToList();
                if (m.Parameters.Any(p => p.ReplayWithResult))
                    w.Line($"// [ReplayWithResult] {string.Join(", ", m.Parameters.Where(p => p.ReplayWithResult).Select(p => p.PlainName))} is recorded as the result, so that a replay repeats this exact call.");
                w.Open(gate);
                w.Line(forwardAndKeep);
                w.Line($"var {call} = new {state}.{m.CallType}({string.Join(", ", args)});");
                w.Line($"{self}RecordSetting({KeyExpression(m, call, result)}, {call});");
                if (!m.ReturnsVoid) w.Line($"return {result};");
                w.Close();
                break;
            }
            case RecordingKind.Unsets when !spec.Methods.Any(x => x.Kind == RecordingKind.Sets && x.Key == m.Key):
                // RTCR015 (a warning): nothing records this key, so there is nothing to remove.
                w.Line(forwardAndKeep);
                if (!m.ReturnsVoid) w.Line($"return {result};");
                break;
            case RecordingKind.Unsets:
            {
                // The parser guarantees the key is recorded in the same shape (RTCR016).
                w.Open(gate);
                if (m.KeyArg is not null)
                {
                    var p = m.Parameters.First(x => x.PlainName == m.KeyArg);
                    string part = p.Kind == ValueKind.Capability ? $"{self}_context.BadgeOf({p.Name})" : p.Name;
                    w.Line("// The key before the call: afterwards a capability may name nothing.");
                    w.Line($"string {key} = {ValueCode.Literal(m.Key + ":")} + {ValueCode.KeyPart(p.Kind, part)};");
                    w.Line(forwardAndKeep);
                    w.Line($"{self}ForgetSetting({key});");
                }
                else
                {
                    w.Line(forwardAndKeep);
                    w.Line($"{self}{staticKeys.First(k => k.Key == m.Key).Slot}Order = 0;");
                }
                if (!m.ReturnsVoid) w.Line($"return {result};");
                w.Close();
                break;
            }
        }
        w.Close();
        w.Line();
    }

    /// <summary>The key of a keyed <c>[Sets]</c>: the constant key, ":" and the key argument or the result.</summary>
    private static string KeyExpression(MethodSpec m, string call, string result)
    {
        string prefix = ValueCode.Literal(m.Key + ":");
        if (m.KeyFromResult) return $"{prefix} + {ValueCode.KeyPart(m.ReturnKind, result)}";
        var p = m.Parameters.First(x => x.PlainName == m.KeyArg);
        return $"{prefix} + {ValueCode.KeyPart(p.Kind, call + "." + Naming.Property(p))}";
    }

    private static void EmitCapture(SourceWriter w, InterfaceSpec spec, List<StaticKey> staticKeys)
    {
        string state = StateType(spec);
        w.Line("/// <summary>");
        w.Line("/// A snapshot of the recorded state: " + (spec.IsSession ? "upgrades, " : "") + "the latest call per key in first-set order and the live");
        w.Line("/// created objects in creation order" + (spec.Hook is not null ? ", plus what the state hook captures from the wrapped object." : ".") + " Call while the client is paused.");
        w.Line("/// </summary>");
        w.Open($"public {state} Capture()");
        w.Line(spec.IsSession ? $"var state = new {state}(Args);" : $"var state = new {state}();");
        w.Line("var capture = new global::Rtcr.Recording.RecordCapture();");
        w.Open("using (_gate.EnterToCapture())");
        foreach (var key in staticKeys)
        {
            string slot = key.Slot;
            string literal = ValueCode.Literal(key.Key);
            if (key.Methods.Count == 1)
            {
                w.Line($"if ({slot}Order != 0) capture.Add({slot}Order, {literal}, {NewCall(state, key, key.Methods[0])});");
            }
            else
            {
                w.Line($"if ({slot}Order != 0)");
                w.Line($"    capture.Add({slot}Order, {literal}, {slot}Method switch");
                w.Line("    {");
                for (int i = 0; i < key.Methods.Count; i++)
                    w.Line($"        {(i == key.Methods.Count - 1 ? "_" : (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture))} => {NewCall(state, key, key.Methods[i])},");
                w.Line("    });");
            }
        }
        w.Line("TakeRecorded(capture);");
        w.Close();
        var withChild = spec.Methods.Where(m => m.Kind == RecordingKind.Creates && m.Created!.Names is not null).ToList();
        if (withChild.Count == 0)
        {
            w.Line("capture.CopyTo(state);");
        }
        else
        {
            w.Line("// Created objects are captured outside the gate: their recorders take their own.");
            w.Line("capture.CopyTo(state, static (call, recorder) => (call, recorder) switch");
            w.Line("{");
            foreach (var m in withChild)
                w.Line($"    ({state}.{m.CallType} created, {m.Created!.Names!.Recorder} objectRecorder) => created with {{ Object = objectRecorder.Capture() }},");
            w.Line("    _ => call,");
            w.Line("});");
        }
        if (spec.Hook is not null)
        {
            w.Line("// The hook reads the real object: the recorder sees only calls.");
            w.Line($"state.HookState = CaptureHook(new {spec.Hook}());");
        }
        w.Line("return state;");
        w.Close();
        if (spec.IsSession)
        {
            w.Line();
            w.Line("global::Rtcr.Recording.ISessionState global::Rtcr.Recording.ISessionRecorder.Capture() => Capture();");
        }
    }

    private static string NewCall(string state, StaticKey key, MethodSpec m) =>
        $"new {state}.{m.CallType}({string.Join(", ", m.Parameters.Select(p => key.Fields[(m, p)]))})";
}
