using Rtcr.Generators.Model;

namespace Rtcr.Generators.Emitting;

/// <summary>Per <see cref="ValueKind"/>: how a value is stored, written, read and rendered in generated code.</summary>
internal static class ValueCode
{
    public const string RecordedCall = "global::Rtcr.Recording.RecordedCall";
    private const string Invariant = "global::System.Globalization.CultureInfo.InvariantCulture";

    /// <summary>The type a recorded value is stored as: capabilities by badge.</summary>
    public static string StorageType(ParameterSpec parameter) => parameter.Kind == ValueKind.Capability ? "long" : parameter.Type;

    private const string Wire = "global::Rtcr.Recording.WireType.";

    /// <summary>Writes a recorded argument, tagged with its wire type (state format 2).</summary>
    public static string WriteArgument(ValueKind kind, string expression) => kind switch
    {
        ValueKind.Boolean or ValueKind.Double or ValueKind.String => $"writer.WriteArgument({expression});",
        ValueKind.UInt64 or ValueKind.Enum => $"writer.WriteArgument(unchecked((long){expression}), {Wire}{kind});",
        _ => $"writer.WriteArgument({expression}, {Wire}{kind});",
    };

    /// <summary>
    /// Reads a recorded argument through a <c>CallReader</c>; a parameter with a default value reads as that
    /// default from a call recorded before the parameter was added.
    /// </summary>
    public static string ReadArgument(ParameterSpec p)
    {
        string? fallback = p.Default is null ? null
            : p.Kind == ValueKind.Capability ? "0"
            : p.Kind is ValueKind.UInt64 or ValueKind.Enum ? $"unchecked((long)({p.Default}))"
            : p.Default;
        string typed = fallback is null ? ")" : ", " + fallback + ")";
        return p.Kind switch
        {
            ValueKind.Boolean => "call.ReadBoolean(" + (fallback ?? "") + ")",
            ValueKind.Double => "call.ReadDouble(" + (fallback ?? "") + ")",
            ValueKind.String => (p.IsNullableString ? "call.ReadString(" : "call.ReadRequiredString(") + (fallback ?? "") + ")",
            ValueKind.Byte => $"unchecked((byte)call.ReadInt32({Wire}Byte{typed})",
            ValueKind.Int16 => $"unchecked((short)call.ReadInt32({Wire}Int16{typed})",
            ValueKind.Int32 => $"call.ReadInt32({Wire}Int32{typed}",
            ValueKind.UInt32 => $"unchecked((uint)call.ReadInt64({Wire}UInt32{typed})",
            ValueKind.UInt64 => $"unchecked((ulong)call.ReadInt64({Wire}UInt64{typed})",
            ValueKind.Enum => $"unchecked(({p.Type})call.ReadInt64({Wire}Enum{typed})",
            _ => $"call.ReadInt64({Wire}{p.Kind}{typed}",
        };
    }

    /// <summary>Rendering for the canonical record (capture time, boxing is fine).</summary>
    public static string Render(ValueKind kind, string expression) =>
        kind == ValueKind.Capability ? $"{RecordedCall}.RenderCap({expression})" : $"{RecordedCall}.Render({expression})";

    /// <summary>
    /// Rendering of a key part on the recording path: the same text as <c>RecordedCall.Render</c>, without
    /// boxing value types. Capabilities are rendered from their badge.
    /// </summary>
    public static string KeyPart(ValueKind kind, string expression) => kind switch
    {
        ValueKind.Boolean => $"({expression} ? \"true\" : \"false\")",
        ValueKind.Enum => $"{expression}.ToString()",
        ValueKind.String => $"{RecordedCall}.Render({expression})",
        ValueKind.Capability => $"{RecordedCall}.RenderCap({expression})",
        _ => $"{expression}.ToString({Invariant})",
    };

    /// <summary>A C# string literal of <paramref name="value"/>: quotes, backslashes and control characters escaped.</summary>
    public static string Literal(string value) => Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(value, quote: true);
}
