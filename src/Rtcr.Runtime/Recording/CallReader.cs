using System.Diagnostics.CodeAnalysis;

namespace Rtcr.Recording;

/// <summary>
/// Reads one recorded call's arguments in either state format (<see cref="StateLayout"/>). An argument the call was
/// recorded without — added to the method since, with a default value — reads as that default; a missing argument
/// without a default, an argument of another type, or more arguments than the method has are a
/// <see cref="StateFormatException"/> naming the method. Generated state models read through it.
/// </summary>
public ref struct CallReader
{
    private StateReader _reader;
    private readonly StateLayout _layout;
    private readonly string _owner;
    private string? _method;
    private int _count;
    private int _next;

    /// <summary>
    /// Reads a call's wire id (and, in format 2, its argument count) from a copy of <paramref name="reader"/>;
    /// take <see cref="Reader"/> back when the call is read.
    /// </summary>
    /// <param name="reader">The state being read.</param>
    /// <param name="layout">The state's format.</param>
    /// <param name="owner">The interface, for messages.</param>
    public CallReader(StateReader reader, StateLayout layout, string owner)
    {
        _reader = reader;
        _layout = layout ?? throw new ArgumentNullException(nameof(layout));
        _owner = owner;
        WireId = _reader.ReadInt32();
        if (layout.IsTagged) _count = _reader.ReadByte();
        else if (!layout.TryGetArity(WireId, out _count)) throw Unknown();
    }

    /// <summary>The state's reader, positioned after what this call has read.</summary>
    public readonly StateReader Reader => _reader;

    /// <summary>The wire id of the recorded method.</summary>
    public int WireId { get; }

    /// <summary>Names the method whose call this is (for messages); returns this reader.</summary>
    [UnscopedRef]
    public ref CallReader Named(string method)
    {
        _method = method;
        return ref this;
    }

    /// <summary>The error for a wire id no method of the interface has.</summary>
    public readonly StateFormatException Unknown() =>
        new($"the state holds a recorded call (wire id {WireId}) of a method {_owner} no longer has: a recorded method was removed, or renamed without [WireName(\"<old name>\")]; restore it with a build that has the method");

    /// <summary>Reads a <see cref="bool"/> argument the call must have.</summary>
    public bool ReadBoolean() => Next(WireType.Boolean, required: true) && _reader.ReadBoolean();

    /// <summary>Reads a <see cref="bool"/> argument, or <paramref name="fallback"/> when the call was recorded without it.</summary>
    public bool ReadBoolean(bool fallback) => Next(WireType.Boolean, required: false) ? _reader.ReadBoolean() : fallback;

    /// <summary>Reads a 32-bit argument (<see cref="WireType.Byte"/>, <see cref="WireType.Int16"/>, <see cref="WireType.Int32"/>) the call must have.</summary>
    public int ReadInt32(WireType type) => Next(type, required: true) ? _reader.ReadInt32() : 0;

    /// <summary>Reads a 32-bit argument, or <paramref name="fallback"/> when the call was recorded without it.</summary>
    public int ReadInt32(WireType type, int fallback) => Next(type, required: false) ? _reader.ReadInt32() : fallback;

    /// <summary>Reads a 64-bit argument (<see cref="WireType.Int64"/>, unsigned, enum or capability) the call must have.</summary>
    public long ReadInt64(WireType type) => Next(type, required: true) ? _reader.ReadInt64() : 0;

    /// <summary>Reads a 64-bit argument, or <paramref name="fallback"/> when the call was recorded without it.</summary>
    public long ReadInt64(WireType type, long fallback) => Next(type, required: false) ? _reader.ReadInt64() : fallback;

    /// <summary>Reads a <see cref="double"/> argument the call must have.</summary>
    public double ReadDouble() => Next(WireType.Double, required: true) ? _reader.ReadDouble() : 0;

    /// <summary>Reads a <see cref="double"/> argument, or <paramref name="fallback"/> when the call was recorded without it.</summary>
    public double ReadDouble(double fallback) => Next(WireType.Double, required: false) ? _reader.ReadDouble() : fallback;

    /// <summary>Reads a string argument (null allowed) the call must have.</summary>
    public string? ReadString() => Next(WireType.String, required: true) ? _reader.ReadString() : null;

    /// <summary>Reads a string argument (null allowed), or <paramref name="fallback"/> when the call was recorded without it.</summary>
    public string? ReadString(string? fallback) => Next(WireType.String, required: false) ? _reader.ReadString() : fallback;

    /// <summary>Reads a non-null string argument the call must have.</summary>
    public string ReadRequiredString() => Next(WireType.String, required: true) ? _reader.ReadRequiredString() : "";

    /// <summary>Reads a non-null string argument, or <paramref name="fallback"/> when the call was recorded without it.</summary>
    public string ReadRequiredString(string fallback) => Next(WireType.String, required: false) ? _reader.ReadRequiredString() : fallback;

    /// <summary>
    /// After the arguments: the rest of the call (a creation's badge, sequence and object state).
    /// </summary>
    /// <exception cref="StateFormatException">The call was recorded with more arguments than the method has now.</exception>
    [UnscopedRef]
    public ref StateReader Rest()
    {
        if (_next < _count)
            throw new StateFormatException($"a recorded call of {Describe()} has {_count} arguments, this build's method only {_next}: an argument was removed, which older images cannot survive");
        return ref _reader;
    }

    private bool Next(WireType type, bool required)
    {
        int index = _next++;
        if (index >= _count)
        {
            if (required)
                throw new StateFormatException($"a recorded call of {Describe()} lacks argument {index + 1}, which has no default value: an argument added to a recorded method needs one (e.g. '= 0') for older images to stay restorable");
            return false;
        }
        if (_layout.IsTagged)
        {
            var found = (WireType)_reader.ReadByte();
            if (found != type)
                throw new StateFormatException($"argument {index + 1} of a recorded call of {Describe()} was recorded as {found}, this build's method takes {type}: a recorded parameter's type cannot change");
        }
        return true;
    }

    private readonly string Describe() => _owner + "." + (_method ?? "(wire id " + WireId + ")");
}
