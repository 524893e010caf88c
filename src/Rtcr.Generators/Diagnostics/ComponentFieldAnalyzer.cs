using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Rtcr.Generators.Parsing;

namespace Rtcr.Generators.Diagnostics;

/// <summary>
/// RTCR007: a class implementing <c>Rtcr.IComponent</c> keeps a mutable instance field. A restore rebuilds a
/// component from its memory and capabilities only, so such a field would silently lose its value.
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
                var type = field.ContainingType;
                if (type.TypeKind != TypeKind.Class || !type.AllInterfaces.Contains(component, SymbolEqualityComparer.Default)) return;
                symbolContext.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.MutableComponentField,
                    field.Locations.FirstOrDefault(), field.Name, type.Name));
            }, SymbolKind.Field);
        });
    }
}
