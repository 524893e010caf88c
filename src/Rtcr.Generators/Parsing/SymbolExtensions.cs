using Microsoft.CodeAnalysis;

namespace Rtcr.Generators.Parsing;

internal static class SymbolExtensions
{
    /// <summary>Fully qualified, with <c>global::</c> and nullable annotations: safe to emit anywhere.</summary>
    public static readonly SymbolDisplayFormat TypeFormat =
        SymbolDisplayFormat.FullyQualifiedFormat.AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    public static string ToTypeName(this ITypeSymbol type) => type.ToDisplayString(TypeFormat);

    public static bool Is(this ISymbol? symbol, string metadataName) =>
        symbol is INamedTypeSymbol named && named.ContainingNamespace is not null && MetadataName(named) == metadataName;

    public static string MetadataName(INamedTypeSymbol type)
    {
        var ns = type.ContainingNamespace;
        string prefix = ns is null || ns.IsGlobalNamespace ? "" : ns.ToDisplayString() + ".";
        return prefix + type.MetadataName;
    }

    public static AttributeData? FindAttribute(this ISymbol symbol, string metadataName)
    {
        foreach (var attribute in symbol.GetAttributes())
            if (attribute.AttributeClass.Is(metadataName)) return attribute;
        return null;
    }

    /// <summary>The <c>T</c> of <c>Cap&lt;T&gt;</c>, or null when the type is not a capability.</summary>
    public static ITypeSymbol? CapabilityTarget(this ITypeSymbol type) =>
        type is INamedTypeSymbol { IsGenericType: true } named && named.ConstructedFrom.Is(KnownNames.Cap)
            ? named.TypeArguments[0]
            : null;
}
