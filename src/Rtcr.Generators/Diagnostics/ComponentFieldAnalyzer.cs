using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Rtcr.Generators.Parsing;

namespace Rtcr.Generators.Diagnostics;

/// <summary>
/// RTCR007: a class implementing <c>Rtcr.IComponent</c> keeps a mutable instance field or a mutable
/// auto-property (whose hidden backing field is just as mutable). A restore rebuilds a component from its
/// memory and capabilities only, so such a value would silently be lost.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ComponentFieldAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.MutableComponentField);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var component = start.Compilation.GetTypeByMetadataName(KnownNames.Component);
            if (component is null) return;
            start.RegisterSymbolAction(symbolContext =>
            {
                var field = (IFieldSymbol)symbolContext.Symbol;
                if (field.IsStatic || field.IsConst || field.IsReadOnly || field.IsImplicitlyDeclared) return;
                if (IsComponent(field.ContainingType, component))
                    symbolContext.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.MutableComponentField, field.Locations.FirstOrDefault(), field.Name, field.ContainingType.Name));
            }, SymbolKind.Field);
            start.RegisterSymbolAction(symbolContext =>
            {
                // An auto-property with a setter has a hidden mutable backing field: report the property, where the user wrote it.
                var property = (IPropertySymbol)symbolContext.Symbol;
                if (property.IsStatic || property.SetMethod is not { IsInitOnly: false } || !IsComponent(property.ContainingType, component)) return;
                bool isAuto = property.ContainingType.GetMembers().OfType<IFieldSymbol>()
                    .Any(f => SymbolEqualityComparer.Default.Equals(f.AssociatedSymbol, property));
                if (isAuto)
                    symbolContext.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.MutableComponentField, property.Locations.FirstOrDefault(), property.Name, property.ContainingType.Name));
            }, SymbolKind.Property);
        });
    }

    private static bool IsComponent(INamedTypeSymbol type, INamedTypeSymbol component) =>
        type.TypeKind == TypeKind.Class && type.AllInterfaces.Contains(component, SymbolEqualityComparer.Default);
}
