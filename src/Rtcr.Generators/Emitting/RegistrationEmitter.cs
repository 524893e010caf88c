using System.Collections.Immutable;
using System.Linq;
using Rtcr.Generators.Model;

namespace Rtcr.Generators.Emitting;

/// <summary>Emits <c>Rtcr.Generated.RtcrRecorders.RegisterAll</c>: every session of the assembly, its replayer and how to wrap it.</summary>
internal static class RegistrationEmitter
{
    public const string HintName = "Rtcr.Generated.RtcrRecorders.g.cs";

    public static string Emit(ImmutableArray<RegistrationSpec> sessions)
    {
        var w = new SourceWriter().FileHeader();
        w.Open("namespace Rtcr.Generated");
        w.Line("/// <summary>The Rtcr sessions of this assembly: their recording proxies and replayers.</summary>");
        w.Line("[global::System.CodeDom.Compiler.GeneratedCode(\"Rtcr.Generators\", \"" + ThisAssembly.Version + "\")]");
        w.Open("internal static class RtcrRecorders");
        w.Line("/// <summary>Registers every session of this assembly, so the parent can record and replay it by service name.</summary>");
        w.Open("public static void RegisterAll(global::Rtcr.Recording.RecorderRegistry registry)");
        w.Line("if (registry is null) throw new global::System.ArgumentNullException(nameof(registry));");
        foreach (var s in sessions.OrderBy(s => s.Interface, System.StringComparer.Ordinal))
        {
            w.Line($"registry.Register({s.Replayer}.Instance,");
            w.Line($"    static (session, context, args) => new {s.Recorder}(({s.Interface})session, context, args));");
        }
        w.Close();
        w.Close();
        w.Close();
        return w.ToString();
    }
}
