using Microsoft.CodeAnalysis;

namespace Rtcr.Generators.Parsing;

internal static class SymbolExtensions
{
    /// <summary>Fully qualified, with <c>global::</c> and nullable annotations: safe to emit anywhere.</summary>
    public static readonly SymbolDisplayFormat TypeFormat =
        SymbolDisplayFormat.FullyQualifiedFormat.AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>A namespace as C# source: dotted, keywords escaped (<c>@event.@class</c>), without <c>global::</c>.</summary>
    public static readonly SymbolDisplayFormat NamespaceFormat = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.EscapeKeywordIdentifiers);

    public static string ToTypeName(this ITypeSymbol type) => type.ToDisplayString(TypeFormat);

    /// <summary>
    /// The type of a parameter or result as C# source. A reference type from a <c>#nullable disable</c> file (oblivious) is written as
    /// nullable: nothing there promises it is never null, and generated code is <c>#nullable enable</c>.
    /// </summary>
    public static string ToSignatureTypeName(this ITypeSymbol type) =>
        (type.IsReferenceType && type.NullableAnnotation == NullableAnnotation.None ? type.WithNullableAnnotation(NullableAnnotation.Annotated) : type)
            .ToDisplayString(TypeFormat);

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
