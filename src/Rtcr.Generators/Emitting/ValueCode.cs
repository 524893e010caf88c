using Rtcr.Generators.Model;

namespace Rtcr.Generators.Emitting;

/// <summary>Per <see cref="ValueKind"/>: how a value is stored, written, read and rendered in generated code.</summary>
internal static class ValueCode
{
    public const string RecordedCall = "global::Rtcr.Recording.RecordedCall";
    private const string Invariant = "global::System.Globalization.CultureInfo.InvariantCulture";

    /// <summary>The type a recorded value is stored as: capabilities by badge.</summary>
    public static string StorageType(ParameterSpec parameter) => parameter.Kind == ValueKind.Capability ? "long" : parameter.Type;

    public static string Write(ValueKind kind, string expression) => kind switch
    {
        ValueKind.Boolean => $"writer.WriteBoolean({expression});",
        ValueKind.Byte or ValueKind.Int16 or ValueKind.Int32 => $"writer.WriteInt32({expression});",
        ValueKind.Int64 or ValueKind.Capability or ValueKind.UInt32 => $"writer.WriteInt64({expression});",
        ValueKind.UInt64 or ValueKind.Enum => $"writer.WriteInt64(unchecked((long){expression}));",
        ValueKind.Double => $"writer.WriteDouble({expression});",
        _ => $"writer.WriteString({expression});",
    };

    public static string Read(ParameterSpec parameter) => Read(parameter.Kind, parameter.Type, parameter.IsNullableString);

    public static string Read(ValueKind kind, string type, bool nullableString) => kind switch
    {
        ValueKind.Boolean => "reader.ReadBoolean()",
        ValueKind.Byte => "unchecked((byte)reader.ReadInt32())",
        ValueKind.Int16 => "unchecked((short)reader.ReadInt32())",
        ValueKind.Int32 => "reader.ReadInt32()",
        ValueKind.Int64 or ValueKind.Capability => "reader.ReadInt64()",
        ValueKind.UInt32 => "unchecked((uint)reader.ReadInt64())",
        ValueKind.UInt64 => "unchecked((ulong)reader.ReadInt64())",
        ValueKind.Enum => $"unchecked(({type})reader.ReadInt64())",
        ValueKind.Double => "reader.ReadDouble()",
        _ => nullableString ? "reader.ReadString()" : "reader.ReadRequiredString()",
    };

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
