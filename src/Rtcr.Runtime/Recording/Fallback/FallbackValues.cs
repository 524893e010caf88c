namespace Rtcr.Recording.Fallback;

/// <summary>Writes and reads argument values by their declared type (the fallback twin of the generator's emitted code).</summary>
internal static class FallbackValues
{
    public static void Write(StateWriter writer, Type type, bool isCap, object? value)
    {
        if (isCap)
        {
            writer.WriteInt64((long)value!);
            return;
        }
        if (type.IsEnum)
        {
            writer.WriteInt64(Type.GetTypeCode(Enum.GetUnderlyingType(type)) == TypeCode.UInt64
                ? unchecked((long)Convert.ToUInt64(value, System.Globalization.CultureInfo.InvariantCulture))
                : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
            return;
        }
        switch (Type.GetTypeCode(type))
        {
            case TypeCode.Boolean: writer.WriteBoolean((bool)value!); break;
            case TypeCode.Byte: writer.WriteInt32((byte)value!); break;
            case TypeCode.Int16: writer.WriteInt32((short)value!); break;
            case TypeCode.Int32: writer.WriteInt32((int)value!); break;
            case TypeCode.Int64: writer.WriteInt64((long)value!); break;
            case TypeCode.UInt32: writer.WriteInt64((uint)value!); break;
            case TypeCode.UInt64: writer.WriteInt64(unchecked((long)(ulong)value!)); break;
            case TypeCode.Double: writer.WriteDouble((double)value!); break;
            case TypeCode.String: writer.WriteString((string?)value); break;
            default: throw new NotSupportedException($"type {type.Name} cannot be recorded (RTCR004)");
        }
    }

    public static object? Read(ref StateReader reader, Type type, bool isCap)
    {
        if (isCap) return reader.ReadInt64();
        if (type.IsEnum) return Enum.ToObject(type, reader.ReadInt64());
        return Type.GetTypeCode(type) switch
        {
            TypeCode.Boolean => reader.ReadBoolean(),
            TypeCode.Byte => unchecked((byte)reader.ReadInt32()),
            TypeCode.Int16 => unchecked((short)reader.ReadInt32()),
            TypeCode.Int32 => reader.ReadInt32(),
            TypeCode.Int64 => reader.ReadInt64(),
            TypeCode.UInt32 => unchecked((uint)reader.ReadInt64()),
            TypeCode.UInt64 => unchecked((ulong)reader.ReadInt64()),
            TypeCode.Double => reader.ReadDouble(),
            TypeCode.String => reader.ReadString(),
            _ => throw new NotSupportedException($"type {type.Name} cannot be recorded (RTCR004)"),
        };
    }

    /// <summary>The canonical rendering of an argument (capabilities by badge).</summary>
    public static string Render(object? value, bool isCap) => isCap ? RecordedCall.RenderCap((long)value!) : RecordedCall.Render(value);
}
