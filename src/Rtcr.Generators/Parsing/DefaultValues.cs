using System;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Rtcr.Generators.Parsing;

/// <summary>
/// A parameter's default value as C# source, from its constant value rather than the declaring syntax (which
/// may name constants the generated file cannot see), so the recorder's signature keeps the interface's defaults.
/// </summary>
internal static class DefaultValues
{
    public static string Render(IParameterSymbol parameter)
    {
        var type = parameter.Type;
        object? value = parameter.ExplicitDefaultValue;
        if (value is null) return type.IsReferenceType || type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T ? "null" : "default";
        var underlying = type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable ? nullable.TypeArguments[0] : type;
        if (underlying.TypeKind == TypeKind.Enum)
            return $"({underlying.ToTypeName()})({Primitive(value)})";
        return Primitive(value);
    }

    private static string Primitive(object value) => value switch
    {
        string s => SymbolDisplay.FormatLiteral(s, quote: true),
        char c => SymbolDisplay.FormatLiteral(c, quote: true),
        bool b => b ? "true" : "false",
        double d => Floating(d, "double", d.ToString("R", CultureInfo.InvariantCulture) + "d"),
        float f => Floating(f, "float", f.ToString("R", CultureInfo.InvariantCulture) + "f"),
        decimal m => m.ToString(CultureInfo.InvariantCulture) + "m",
        long l => l.ToString(CultureInfo.InvariantCulture) + "L",
        ulong u => u.ToString(CultureInfo.InvariantCulture) + "UL",
        uint u => u.ToString(CultureInfo.InvariantCulture) + "U",
        // Narrow integers: the cast makes the constant's type exact (an int literal does not convert to byte in every position).
        byte or sbyte or short or ushort => $"({Keyword(value)}){Convert.ToString(value, CultureInfo.InvariantCulture)}",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "default",
    };

    private static string Floating(double value, string keyword, string literal) =>
        double.IsNaN(value) ? keyword + ".NaN"
        : double.IsPositiveInfinity(value) ? keyword + ".PositiveInfinity"
        : double.IsNegativeInfinity(value) ? keyword + ".NegativeInfinity"
        : literal;

    private static string Keyword(object value) => value switch
    {
        byte => "byte",
        sbyte => "sbyte",
        short => "short",
        _ => "ushort",
    };
}
