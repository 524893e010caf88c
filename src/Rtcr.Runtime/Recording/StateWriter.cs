using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Rtcr.Recording;

/// <summary>
/// Little-endian binary writer for state models. Generated state models and hand-written hooks write
/// through it; <see cref="StateReader"/> reads the same sequence back.
/// </summary>
public sealed class StateWriter
{
    private readonly ArrayBufferWriter<byte> _buffer;

    /// <summary>Creates a writer with an initial capacity.</summary>
    public StateWriter(int initialCapacity = 256) => _buffer = new ArrayBufferWriter<byte>(Math.Max(16, initialCapacity));

    /// <summary>Bytes written so far.</summary>
    public int Length => _buffer.WrittenCount;

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    /// <summary>A copy of the bytes written.</summary>
    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    /// <summary>Writes a 32-bit integer.</summary>
    public void WriteInt32(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
    }

    /// <summary>Writes a 64-bit integer.</summary>
    public void WriteInt64(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
    }

    /// <summary>Writes a double.</summary>
    public void WriteDouble(double value) => WriteInt64(BitConverter.DoubleToInt64Bits(value));

    /// <summary>Writes a boolean as one byte.</summary>
    public void WriteBoolean(bool value)
    {
        _buffer.GetSpan(1)[0] = value ? (byte)1 : (byte)0;
        _buffer.Advance(1);
    }

    /// <summary>Writes one byte.</summary>
    public void WriteByte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
    }

    /// <summary>Starts a recorded call (state format 2): its method's wire id and how many arguments follow.</summary>
    /// <exception cref="ArgumentOutOfRangeException">More than 255 arguments.</exception>
    public void WriteCall(int wireId, int arguments)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(arguments, byte.MaxValue);
        ArgumentOutOfRangeException.ThrowIfNegative(arguments);
        WriteInt32(wireId);
        WriteByte((byte)arguments);
    }

    /// <summary>Writes a <see cref="bool"/> argument of a recorded call, tagged.</summary>
    public void WriteArgument(bool value)
    {
        WriteByte((byte)WireType.Boolean);
        WriteBoolean(value);
    }

    /// <summary>Writes a 32-bit argument of a recorded call, tagged with <paramref name="type"/>.</summary>
    public void WriteArgument(int value, WireType type)
    {
        WriteByte((byte)type);
        WriteInt32(value);
    }

    /// <summary>Writes a 64-bit argument of a recorded call, tagged with <paramref name="type"/>.</summary>
    public void WriteArgument(long value, WireType type)
    {
        WriteByte((byte)type);
        WriteInt64(value);
    }

    /// <summary>Writes a <see cref="double"/> argument of a recorded call, tagged.</summary>
    public void WriteArgument(double value)
    {
        WriteByte((byte)WireType.Double);
        WriteDouble(value);
    }

    /// <summary>Writes a string argument of a recorded call, tagged.</summary>
    public void WriteArgument(string? value)
    {
        WriteByte((byte)WireType.String);
        WriteString(value);
    }

    /// <summary>Writes a UTF-8 string with a length prefix (null is written as length -1).</summary>
    public void WriteString(string? value)
    {
        if (value is null)
        {
            WriteInt32(-1);
            return;
        }
        int count = Encoding.UTF8.GetByteCount(value);
        WriteInt32(count);
        Encoding.UTF8.GetBytes(value, _buffer.GetSpan(count));
        _buffer.Advance(count);
    }

    /// <summary>Writes a byte block with a length prefix.</summary>
    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        WriteInt32(value.Length);
        value.CopyTo(_buffer.GetSpan(value.Length));
        _buffer.Advance(value.Length);
    }
}
