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
    private const string Invariant = "global::System.Globalization.CultureInfo.InvariantCulture";

    public static string Emit(InterfaceSpec spec)
    {
        var w = new SourceWriter().FileHeader();
        bool hasNamespace = spec.Namespace.Length > 0;
        if (hasNamespace) w.Open("namespace " + spec.Namespace);

        var methods = spec.Methods.ToList();
        var staticKeys = StaticKeys(methods, spec);
        bool hasDynamicKeys = methods.Any(m => m.Kind == RecordingKind.Sets && !m.HasStaticKey);
        bool hasSettings = methods.Any(m => m.Kind == RecordingKind.Sets);
        bool hasObjects = methods.Any(m => m.Kind == RecordingKind.Creates);
        bool needsGate = hasSettings || hasObjects || (spec.IsSession && methods.Any(m => m.Kind == RecordingKind.Upgrade));
        string state = StateType(spec);

        w.Line("/// <summary>");
        if (spec.IsSession)
            w.Line($"/// Recording proxy of <see cref=\"{Naming.Cref(spec.FullName)}\"/> sessions (service \"{Naming.XmlText(spec.Service!)}\"): forwards every call");
        else
            w.Line($"/// Recording proxy of <see cref=\"{Naming.Cref(spec.FullName)}\"/> objects: forwards every call");
        w.Line("/// to the object it wraps and records what a restore needs to rebuild it; a recorded call is forwarded and");
        w.Line("/// recorded under one gate, so the record always matches the object's state, and a failed call records nothing.");
        w.Line("/// </summary>");
        w.Line("[global::System.CodeDom.Compiler.GeneratedCode(\"Rtcr.Generators\", \"" + ThisAssembly.Version + "\")]");
        w.Open($"{spec.Accessibility} sealed partial class {spec.RecorderName} : {spec.FullName}, global::Rtcr.Recording.IInterposed" + (spec.IsSession ? ", global::Rtcr.Recording.ISessionRecorder" : ""));

        // Fields.
        w.Line($"private readonly {spec.FullName} _inner;");
        w.Line($"private readonly {Context} _context;");
        if (spec.IsSession) w.Line($"private readonly {Args} _args;");
        if (needsGate)
        {
            w.Line();
            w.Line("// Guards every recorded field below, and the forwarded call with it; [Query] and [Captures] calls never take it.");
            w.Line("private global::Rtcr.Recording.RecordGate _gate;");
        }
        bool hasUpgrade = spec.IsSession && methods.Any(m => m.Kind == RecordingKind.Upgrade);
        if (hasUpgrade)
        {
            w.Line("private long _upgradedRam;");
            w.Line("private long _upgradedCaps;");
        }
        if (hasSettings) w.Line("private long _nextOrder;");
        if (hasObjects) w.Line("private readonly global::System.Collections.Generic.Dictionary<long, Created> _objects = new();");
        if (hasDynamicKeys) w.Line("private readonly global::System.Collections.Generic.Dictionary<string, KeyedSetting> _settings = new(global::System.StringComparer.Ordinal);");
        foreach (var key in staticKeys)
        {
            w.Line();
            w.Line($"// [Sets({ValueCode.Literal(key.Key)})]: order of first set (0 = not set)" + (key.Methods.Count > 1 ? ", which method set it last, and its arguments." : " and the latest arguments."));
            w.Line($"private long {key.Slot}Order;");
            if (key.Methods.Count > 1) w.Line($"private int {key.Slot}Method;");
            foreach (var m in key.Methods)
                foreach (var p in m.Parameters)
                    w.Line($"private {ValueCode.StorageType(p)} {key.Fields[(m, p)]}" + (p.Kind == ValueKind.String && !p.IsNullableString ? " = \"\";" : ";"));
        }
        w.Line();

        // Constructor and properties.
        w.Line($"/// <summary>Puts a recorder in front of <paramref name=\"inner\"/>.</summary>");
        w.Line("/// <param name=\"inner\">The real object; every call is forwarded to it.</param>");
        w.Line("/// <param name=\"context\">The client whose capabilities the calls carry.</param>");
        if (spec.IsSession)
        {
            w.Line("/// <param name=\"args\">The arguments the session was created with.</param>");
            w.Open($"public {spec.RecorderName}({spec.FullName} inner, {Context} context, {Args} args)");
        }
        else
        {
            w.Open($"public {spec.RecorderName}({spec.FullName} inner, {Context} context)");
        }
        w.Line("_inner = inner ?? throw new global::System.ArgumentNullException(nameof(inner));");
        w.Line("_context = context ?? throw new global::System.ArgumentNullException(nameof(context));");
        if (spec.IsSession) w.Line("_args = args ?? throw new global::System.ArgumentNullException(nameof(args));");
        w.Close();
        w.Line();
        w.Line("/// <summary>The object behind the recorder (hooks capture it, not the recorder).</summary>");
        w.Line($"public {spec.FullName} Inner => _inner;");
        w.Line();
        w.Line("object global::Rtcr.Recording.IInterposed.Inner => _inner;");
        w.Line();
        if (spec.IsSession)
        {
            w.Line("/// <inheritdoc />");
            w.Line($"public string Service => {ValueCode.Literal(spec.Service!)};");
            w.Line();
            w.Line("/// <inheritdoc />");
            w.Line($"public {Args} Args => _args;");
            w.Line();
        }

        foreach (var m in methods) EmitMethod(w, spec, m, staticKeys);

        EmitCapture(w, spec, staticKeys, hasDynamicKeys, hasObjects);

        if (hasSettings && hasDynamicKeys)
        {
            w.Line();
            w.Line("// Called inside the gate. A key keeps the position it was first set at; only its call is replaced.");
            w.Open("private void Set(string key, global::Rtcr.Recording.StateCall call)");
            w.Line("long order = _settings.TryGetValue(key, out var existing) ? existing.Order : ++_nextOrder;");
            w.Line("_settings[key] = new KeyedSetting(order, call);");
            w.Close();
            w.Line();
            w.Line("private readonly record struct KeyedSetting(long Order, global::Rtcr.Recording.StateCall Call);");
        }
        if (hasObjects)
        {
            w.Line();
            w.Line("// The recorded creation and, for objects that record calls themselves, their recorder.");
            w.Line("private readonly record struct Created(global::Rtcr.Recording.StateCreation Call, object? Recorder);");
        }

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
    /// Constant keys in first-declared order. Field names are allocated against each other and the recorder's
    /// own fields, so keys differing only in punctuation ("a-b", "a_b") and overloads sharing parameter names
    /// get distinct fields.
    /// </summary>
    private static List<StaticKey> StaticKeys(List<MethodSpec> methods, InterfaceSpec spec)
    {
        var used = new HashSet<string> { "_inner", "_context", "_args", "_gate", "_upgradedRam", "_upgradedCaps", "_nextOrder", "_objects", "_settings" };
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
        // A parameter may be named like a field (_inner): then fields are reached through this.
        string self = m.Parameters.Any(p => p.PlainName.StartsWith("_", System.StringComparison.Ordinal)) ? "this." : "";
        string result = Local(m, "result"), badge = Local(m, "badge"), call = Local(m, "call"), key = Local(m, "key");
        string created = Local(m, "created"), recorder = Local(m, "recorder");
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
                w.Line("// Under the gate, so that creations are recorded in the order they happened.");
                w.Open(gate);
                w.Line($"var {result} = {forward};");
                w.Line($"long {badge} = {self}_context.BadgeOf({result});");
                w.Line("// Some methods hand out the same object on every call (a PD's address space): it is recorded once.");
                w.Line($"if ({badge} == 0 || {self}_objects.ContainsKey({badge})) return {result};");
                var args = m.Parameters.Select(Recorded).Concat(new[] { badge, $"{self}_context.NextSequence()" });
                if (names is not null)
                {
                    args = args.Concat(new[] { "null" });
                    w.Line($"var {created} = {self}_context.Resolve({result});");
                    w.Line($"var {recorder} = {created} as {names.Recorder} ?? new {names.Recorder}({created}, {self}_context);");
                    w.Line("// Every holder of the capability now reaches the recorder, so calls on the object are recorded too.");
                    w.Line($"if (!ReferenceEquals({recorder}, {created})) {self}_context.Interpose({badge}, {recorder});");
                    w.Line($"{self}_objects.Add({badge}, new Created(new {state}.{m.CallType}({string.Join(", ", args)}), {recorder}));");
                }
                else
                {
                    w.Line($"{self}_objects.Add({badge}, new Created(new {state}.{m.CallType}({string.Join(", ", args)}), null));");
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
                w.Line($"{self}_objects.Remove({badge});");
                if (!m.ReturnsVoid) w.Line($"return {result};");
                w.Close();
                break;
            }
            case RecordingKind.Upgrade:
                w.Open(gate);
                w.Line(forward + ";");
                w.Line($"{self}_upgradedRam += {m.Parameters[0].Name};");
                w.Line($"{self}_upgradedCaps += {m.Parameters[1].Name};");
                w.Close();
                break;
            case RecordingKind.Sets when m.HasStaticKey:
            {
                var slot = staticKeys.First(k => k.Key == m.Key);
                w.Line("// Forwarded and recorded under one gate: racing calls leave the record equal to the object's state.");
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
                w.Line($"{self}Set({KeyExpression(m, call, result)}, {call});");
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
                    w.Line($"{self}_settings.Remove({key});");
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

    private static void EmitCapture(SourceWriter w, InterfaceSpec spec, List<StaticKey> staticKeys, bool hasDynamicKeys, bool hasObjects)
    {
        string state = StateType(spec);
        bool hasSettings = staticKeys.Count > 0 || hasDynamicKeys;
        w.Line("/// <summary>");
        w.Line("/// A snapshot of the recorded state: " + (spec.IsSession ? "upgrades, " : "") + "the latest call per key in first-set order and the live");
        w.Line("/// created objects in creation order" + (spec.Hook is not null ? ", plus what the state hook captures from the wrapped object." : ".") + " Call while the client is paused.");
        w.Line("/// </summary>");
        w.Open($"public {state} Capture()");
        w.Line(spec.IsSession ? $"var state = new {state}(_args);" : $"var state = new {state}();");
        if (hasSettings) w.Line("var settings = new global::System.Collections.Generic.List<(long Order, global::Rtcr.Recording.StateSetting Setting)>();");
        if (hasObjects) w.Line("global::System.Collections.Generic.List<Created> objects;");
        bool hasUpgrade = spec.IsSession && spec.Methods.Any(m => m.Kind == RecordingKind.Upgrade);
        if (hasUpgrade || hasSettings || hasObjects)
        {
            w.Open("using (_gate.EnterToCapture())");
            if (hasUpgrade)
            {
                w.Line("state.UpgradedRam = _upgradedRam;");
                w.Line("state.UpgradedCaps = _upgradedCaps;");
            }
            foreach (var key in staticKeys)
            {
                string slot = key.Slot;
                string literal = ValueCode.Literal(key.Key);
                if (key.Methods.Count == 1)
                {
                    w.Line($"if ({slot}Order != 0)");
                    w.Line($"    settings.Add(({slot}Order, new({literal}, {NewCall(state, key, key.Methods[0])})));");
                }
                else
                {
                    w.Line($"if ({slot}Order != 0)");
                    w.Line($"    settings.Add(({slot}Order, new({literal}, {slot}Method switch");
                    w.Line("    {");
                    for (int i = 0; i < key.Methods.Count; i++)
                        w.Line($"        {(i == key.Methods.Count - 1 ? "_" : (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture))} => {NewCall(state, key, key.Methods[i])},");
                    w.Line("    })));");
                }
            }
            if (hasDynamicKeys) w.Line("foreach (var setting in _settings) settings.Add((setting.Value.Order, new(setting.Key, setting.Value.Call)));");
            if (hasObjects) w.Line("objects = new global::System.Collections.Generic.List<Created>(_objects.Values);");
            w.Close();
        }
        if (hasSettings)
        {
            w.Line("settings.Sort(static (a, b) => a.Order.CompareTo(b.Order));");
            w.Line("foreach (var (_, setting) in settings) state.Settings.Add(setting);");
        }
        if (hasObjects)
        {
            w.Line("objects.Sort(static (a, b) => a.Call.Sequence.CompareTo(b.Call.Sequence));");
            var withChild = spec.Methods.Where(m => m.Kind == RecordingKind.Creates && m.Created!.Names is not null).ToList();
            if (withChild.Count == 0)
            {
                w.Line("foreach (var created in objects) state.Objects.Add(created.Call);");
            }
            else
            {
                w.Line("// Created objects are captured outside the lock: their recorders take their own.");
                w.Open("foreach (var created in objects)");
                w.Line("state.Objects.Add(created switch");
                w.Line("{");
                foreach (var m in withChild)
                    w.Line($"    {{ Call: {state}.{m.CallType} call, Recorder: {m.Created!.Names!.Recorder} recorder }} => call with {{ Object = recorder.Capture() }},");
                w.Line("    _ => created.Call,");
                w.Line("});");
                w.Close();
            }
        }
        if (spec.Hook is not null)
        {
            w.Line("// The hook reads the real object: the recorder sees only calls.");
            w.Line("var hookState = new global::Rtcr.Recording.StateWriter();");
            w.Line($"new {spec.Hook}().Capture(_inner, hookState);");
            w.Line("state.HookState = hookState.ToArray();");
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
