using System.Linq;
using Rtcr.Generators.Model;

namespace Rtcr.Generators.Emitting;

/// <summary>
/// Emits the replayer of an interface. Phase 1 calls the <c>[Creates]</c> methods again, in recorded order,
/// on the new session (its own recorder, so the restored child is recorded again), translating every
/// capability and reporting old → new badges. Phase 2 re-applies the settings in first-set order, then
/// the state hooks restore what calls cannot. Sessions get an <c>ISessionReplayer</c>; RPC objects a static
/// class with the same phases, called by the replayer of the session that created them.
/// </summary>
internal static class ReplayerEmitter
{
    private const string ReplayContext = "global::Rtcr.Recording.IReplayContext";

    public static string Emit(InterfaceSpec spec)
    {
        var w = new SourceWriter().FileHeader();
        bool hasNamespace = spec.Namespace.Length > 0;
        if (hasNamespace) w.Open("namespace " + spec.Namespace);
        string state = spec.StateName;

        w.Line("/// <summary>");
        w.Line($"/// Rebuilds recorded <see cref=\"{Naming.Cref(spec.FullName)}\"/> " + (spec.IsSession ? $"sessions (service \"{Naming.XmlText(spec.Service!)}\")" : "objects") + " on a fresh kernel:");
        w.Line("/// recreates the created objects, re-applies the latest settings and restores hook-captured state.");
        w.Line("/// </summary>");
        w.Line("[global::System.CodeDom.Compiler.GeneratedCode(\"Rtcr.Generators\", \"" + ThisAssembly.Version + "\")]");
        if (spec.IsSession)
        {
            w.Open($"{spec.Accessibility} sealed partial class {spec.ReplayerName} : global::Rtcr.Recording.SessionReplayer<{spec.FullName}, {state}>");
            EmitSessionMembers(w, spec);
        }
        else
        {
            w.Open($"{spec.Accessibility} static partial class {spec.ReplayerName}");
        }

        EmitReplayCreations(w, spec);
        EmitReplaySettings(w, spec);
        EmitRestoreHooks(w, spec);

        w.Close();
        if (hasNamespace) w.Close();
        return w.ToString();
    }

    private static void EmitSessionMembers(SourceWriter w, InterfaceSpec spec)
    {
        string state = spec.StateName;
        var upgrade = spec.Methods.FirstOrDefault(m => m.Kind == RecordingKind.Upgrade);

        w.Line("/// <summary>The replayer (it holds no state).</summary>");
        w.Line($"public static {spec.ReplayerName} Instance {{ get; }} = new();");
        w.Line();
        w.Line("/// <summary>Creates the replayer; <see cref=\"Instance\"/> is the one to use.</summary>");
        string upgradeArgument = upgrade is null ? "" : $", static (target, ram, caps) => {upgrade.On("target")}(ram, caps)";
        w.Line($"public {spec.ReplayerName}() : base({ValueCode.Literal(spec.Service!)}, {spec.RestoreOrder}, ReplayCreations, ReplaySettings, RestoreHooks{upgradeArgument}) {{ }}");
        w.Line();
        w.Line("/// <inheritdoc />");
        w.Line($"public override global::Rtcr.Recording.ISessionState Read(ref global::Rtcr.Recording.StateReader reader) => {state}.Read(ref reader);");
        w.Line();
    }

    private static void EmitReplayCreations(SourceWriter w, InterfaceSpec spec)
    {
        string state = spec.StateName;
        var creates = spec.Methods.Where(m => m.Kind == RecordingKind.Creates).ToList();
        w.Line($"/// <summary>Phase 1: recreates the objects recorded in <paramref name=\"state\"/> through <paramref name=\"target\"/>, reporting old → new badges.</summary>");
        w.Open($"public static void ReplayCreations({state} state, {spec.FullName} target, {ReplayContext} context)");
        if (creates.Count > 0)
        {
            w.Open("foreach (var creation in state.Objects)");
            w.Open("switch (creation)");
            foreach (var m in creates)
            {
                w.Line($"case {state}.{m.CallType} call:");
                w.Open("");
                w.Line($"var created = {m.On("target")}({Arguments(spec, m)});");
                w.Line("context.MapBadge(call.Badge, context.BadgeOf(created));");
                if (m.Created!.Names is { } names)
                    w.Line($"if (call.Object is {{ }} child) {names.Replayer}.ReplayCreations(child, context.Resolve(created), context);");
                w.Line("break;");
                w.Close();
            }
            w.Close();
            w.Close();
        }
        w.Close();
        w.Line();
    }

    private static void EmitReplaySettings(SourceWriter w, InterfaceSpec spec)
    {
        string state = spec.StateName;
        var sets = spec.Methods.Where(m => m.Kind == RecordingKind.Sets).ToList();
        var children = spec.Methods.Where(m => m.Kind == RecordingKind.Creates && m.Created!.Names is not null).ToList();
        w.Line("/// <summary>Phase 2: re-applies the latest call per key, in first-set order, then the settings of the created objects.</summary>");
        w.Open($"public static void ReplaySettings({state} state, {spec.FullName} target, {ReplayContext} context)");
        if (sets.Count > 0)
        {
            w.Open("foreach (var setting in state.Settings)");
            w.Open("switch (setting.Call)");
            foreach (var m in sets)
            {
                w.Line($"case {state}.{m.CallType} call:");
                w.Line($"    {m.On("target")}({Arguments(spec, m)});");
                w.Line("    break;");
            }
            w.Close();
            w.Close();
        }
        EmitChildLoop(w, spec, children, "ReplaySettings");
        w.Close();
        w.Line();
    }

    private static void EmitRestoreHooks(SourceWriter w, InterfaceSpec spec)
    {
        string state = spec.StateName;
        var children = spec.Methods.Where(m => m.Kind == RecordingKind.Creates && m.Created!.Names is not null).ToList();
        w.Line("/// <summary>Restores hook-captured state: of the created objects first, then of <paramref name=\"target\"/> itself.</summary>");
        w.Open($"public static void RestoreHooks({state} state, {spec.FullName} target, {ReplayContext} context)");
        EmitChildLoop(w, spec, children, "RestoreHooks");
        if (spec.Hook is not null)
        {
            w.Line($"global::Rtcr.Recording.StateHooks.Restore<{spec.FullName}>(new {spec.Hook}(), state, target, context);");
        }
        w.Close();
    }

    private static void EmitChildLoop(SourceWriter w, InterfaceSpec spec, System.Collections.Generic.List<MethodSpec> children, string phase)
    {
        if (children.Count == 0) return;
        string state = spec.StateName;
        w.Open("foreach (var creation in state.Objects)");
        w.Open("switch (creation)");
        foreach (var m in children)
        {
            var names = m.Created!.Names!;
            string what = ValueCode.Literal($"{m.Created.InterfaceName} created by {spec.Name}.{m.Name}");
            w.Line($"case {state}.{m.CallType} {{ Object: {{ }} child }} call:");
            w.Line($"    {names.Replayer}.{phase}(child, context.Resolve({Translate(spec, m.Created.Interface, "call.Badge", what)}), context);");
            w.Line("    break;");
        }
        w.Close();
        w.Close();
    }

    private static string Arguments(InterfaceSpec spec, MethodSpec m) =>
        string.Join(", ", m.Parameters.Select(p => p.Kind == ValueKind.Capability
            ? Translate(spec, p.CapTarget!, "call." + Naming.Property(p), ValueCode.Literal($"argument '{p.PlainName}' of {spec.Name}.{m.Name}"))
            : "call." + Naming.Property(p)));

    /// <summary>Translation of a recorded capability; a missing object's error names <paramref name="use"/>.</summary>
    private static string Translate(InterfaceSpec spec, string target, string badge, string use) =>
        $"global::Rtcr.Recording.RecordedCapabilities.Translate<{target}>(context, {badge}, {ValueCode.Literal(spec.IsSession ? spec.Service + " session" : spec.Name)}, {use})";
}
