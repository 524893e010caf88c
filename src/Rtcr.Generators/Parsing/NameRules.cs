using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Rtcr.Generators.Model;

namespace Rtcr.Generators.Parsing;

/// <summary>
/// How generated types are named: <c>ICpuSession</c> → <c>CpuSessionRecorder</c>, <c>CpuSessionState</c>,
/// <c>CpuSessionReplayer</c>, in the interface's namespace. When the interface's own signatures use a type
/// of another namespace with one of those simple names (<c>IRegionMap.State()</c> returns
/// <c>Rtcr.Memory.RegionMapState</c>), a generated type of that name would shadow it in the interface's
/// namespace, so that one gets a longer name instead (<c>RegionMapRecordedState</c>); so does a name a
/// type of the namespace already has. A nested interface's names start with its containing types'
/// (<c>Outer.IFoo</c> → <c>OuterFooRecorder</c>), so two nested interfaces of one simple name do not collide.
/// </summary>
internal static class NameRules
{
    public static GeneratedNames For(INamedTypeSymbol type)
    {
        string stem = Stem(type.Name);
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType) stem = outer.Name + stem;
        var used = ForeignTypeNames(type);
        foreach (var existing in type.ContainingNamespace.GetTypeMembers()) used.Add(existing.Name);
        string ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? "global::" + n.ToDisplayString(SymbolExtensions.NamespaceFormat) + "." : "global::";
        return new GeneratedNames(
            ns + Pick(stem + "Recorder", stem + "RecordingProxy", used),
            ns + Pick(stem + "State", stem + "RecordedState", used),
            ns + Pick(stem + "Replayer", stem + "RestoreReplayer", used));
    }

    /// <summary><c>ICpuSession</c> → <c>CpuSession</c>; names not following the I-prefix convention stay as they are.</summary>
    public static string Stem(string name) =>
        name.Length > 1 && name[0] == 'I' && char.IsUpper(name[1]) ? name.Substring(1) : name;

    private static string Pick(string preferred, string alternative, HashSet<string> used) =>
        used.Contains(preferred) ? alternative : preferred;

    private static HashSet<string> ForeignTypeNames(INamedTypeSymbol type)
    {
        var names = new HashSet<string>();
        foreach (var iface in Interfaces(type))
            foreach (var member in iface.GetMembers())
            {
                if (member is IMethodSymbol method)
                {
                    Collect(method.ReturnType, type.ContainingNamespace, names);
                    foreach (var parameter in method.Parameters) Collect(parameter.Type, type.ContainingNamespace, names);
                }
                else if (member is IPropertySymbol property)
                {
                    Collect(property.Type, type.ContainingNamespace, names);
                }
            }
        return names;
    }

    private static IEnumerable<INamedTypeSymbol> Interfaces(INamedTypeSymbol type)
    {
        yield return type;
        foreach (var inherited in type.AllInterfaces) yield return inherited;
    }

    private static void Collect(ITypeSymbol type, INamespaceSymbol home, HashSet<string> names)
    {
        switch (type)
        {
            case IArrayTypeSymbol array:
                Collect(array.ElementType, home, names);
                break;
            case INamedTypeSymbol named:
                if (!SymbolEqualityComparer.Default.Equals(named.ContainingNamespace, home)) names.Add(named.Name);
                foreach (var argument in named.TypeArguments) Collect(argument, home, names);
                break;
        }
    }
}
