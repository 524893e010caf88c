namespace Rtcr.Image;

/// <summary>
/// Compresses dataspace slices for <see cref="ImageWriter"/> several at a time, one per core, and hands
/// them back in the order they were added, so the file is byte for byte what compressing them one after
/// the other writes. One core compresses LZ4 at well under the disk's speed; the slices are independent
/// chunks, so the work splits without changing the format. Buffers are kept for the whole image.
/// </summary>
internal sealed class SliceCompressor
{
    private readonly ImageCompression _compression;
    private readonly byte[][] _raw;
    private readonly int[] _length;
    private readonly byte[]?[] _scratch;
    private readonly (uint Codec, ReadOnlyMemory<byte> Stored)[] _packed;
    private int _count;

    /// <summary>A compressor for <paramref name="width"/> slices at a time (at least one).</summary>
    public SliceCompressor(ImageCompression compression, int width)
    {
        width = Math.Max(1, width);
        _compression = compression;
        _raw = new byte[width][];
        _length = new int[width];
        _scratch = new byte[width][];
        _packed = new (uint, ReadOnlyMemory<byte>)[width];
    }

    /// <summary>How many slices one round compresses: the cores this process may use, at most 4 (each slot holds two slice-sized buffers).</summary>
    public static int DefaultWidth => Math.Clamp(Environment.ProcessorCount, 1, 4);

    /// <summary>True when the next <see cref="Add"/> needs a <see cref="Drain"/> first.</summary>
    public bool Full => _count == _raw.Length;

    /// <summary>Queues a slice: its header (badge, offset) and bytes, copied into this compressor's buffer.</summary>
    public void Add(long badge, long offset, ReadOnlySpan<byte> data)
    {
        if (Full) throw new InvalidOperationException("the compressor is full; drain it first");
        int length = ImageLayout.SliceHeaderLength + data.Length;
        var raw = _raw[_count] ??= GC.AllocateUninitializedArray<byte>(ImageLayout.SliceHeaderLength + ImageLayout.SliceSize);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(raw, badge);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(raw.AsSpan(8), offset);
        data.CopyTo(raw.AsSpan(ImageLayout.SliceHeaderLength));
        _length[_count++] = length;
    }

    /// <summary>Compresses the queued slices in parallel and passes each, in order, to <paramref name="write"/> (codec, raw length, stored bytes).</summary>
    public void Drain(Action<uint, int, ReadOnlyMemory<byte>> write)
    {
        if (_count == 1) Compress(0);
        else if (_count > 1) Parallel.For(0, _count, Compress);
        for (int i = 0; i < _count; i++) write(_packed[i].Codec, _length[i], _packed[i].Stored);
        _count = 0;
    }

    private void Compress(int i) => _packed[i] = ChunkCodec.Compress(_compression, _raw[i].AsMemory(0, _length[i]), ref _scratch[i]);
}
