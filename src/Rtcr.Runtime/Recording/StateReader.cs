using System.Buffers.Binary;
using System.Text;

namespace Rtcr.Recording;

/// <summary>Reads what a <see cref="StateWriter"/> wrote; any truncation is a <see cref="StateFormatException"/>.</summary>
public ref struct StateReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    /// <summary>Reads from <paramref name="data"/>.</summary>
    public StateReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    /// <summary>Bytes not read yet.</summary>
    public readonly int Remaining => _data.Length - _position;

    /// <summary>Reads one byte.</summary>
    public byte ReadByte() => Take(1)[0];

    /// <summary>Reads a 32-bit integer.</summary>
    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

    /// <summary>Reads a 64-bit integer.</summary>
    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    /// <summary>Reads a double.</summary>
    public double ReadDouble() => BitConverter.Int64BitsToDouble(ReadInt64());

    /// <summary>Reads a boolean.</summary>
    public bool ReadBoolean() => Take(1)[0] switch
    {
        0 => false,
        1 => true,
        var b => throw new StateFormatException($"invalid boolean byte {b} at offset {_position - 1}"),
    };

    /// <summary>Reads a string (null when written as null).</summary>
    public string? ReadString()
    {
        int length = ReadInt32();
        if (length == -1) return null;
        if (length < 0) throw new StateFormatException($"negative string length {length} at offset {_position - 4}");
        return Encoding.UTF8.GetString(Take(length));
    }

    /// <summary>Reads a non-null string.</summary>
    public string ReadRequiredString() => ReadString() ?? throw new StateFormatException($"unexpected null string before offset {_position}");

    /// <summary>Reads a byte block (a view into the source).</summary>
    public ReadOnlySpan<byte> ReadBytes()
    {
        int length = ReadInt32();
        if (length < 0) throw new StateFormatException($"negative block length {length} at offset {_position - 4}");
        return Take(length);
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > _data.Length - _position)
            throw new StateFormatException($"state is truncated: needed {count} bytes at offset {_position}, only {_data.Length - _position} left");
        var span = _data.Slice(_position, count);
        _position += count;
        return span;
    }
}
