using System.Runtime.InteropServices;

namespace Rtcr.Memory;

/// <summary>
/// A block of RAM in native memory (not on the GC heap, so it never moves and a checkpoint can copy
/// it with one memcpy). Freed explicitly; freeing detaches it from every region map first.
/// </summary>
public sealed unsafe class RamDataspace : DataspaceMemory, IDisposable
{
    private byte* _base;
    private readonly long _size;
    private readonly bool _ownsMemory = true;
    // Serialises freeing with TryCopyWhileOwned (a copy from a running child's memory).
    private readonly Lock _freeGate = new();
    private static long s_outstanding;

    /// <summary>
    /// Native bytes allocated by RAM dataspaces of this process and not freed yet (a diagnostic: tests
    /// check that destroyed children and disposed hosts give all of it back).
    /// </summary>
    public static long NativeBytesOutstanding => Interlocked.Read(ref s_outstanding);

    /// <summary>Allocates <paramref name="size"/> zeroed bytes.</summary>
    public RamDataspace(long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        _size = size;
        _base = (byte*)NativeMemory.AllocZeroed((nuint)size);
        Interlocked.Add(ref s_outstanding, size);
        Prefault(_base, size);
    }

    /// <summary>
    /// A dataspace over part of another block of native memory that the caller owns and keeps alive
    /// longer than this view (designated dataspaces over a tracked dataspace's backing). Disposing
    /// the view detaches it but frees nothing.
    /// </summary>
    internal RamDataspace(byte* memory, long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        _base = memory;
        _size = size;
        _ownsMemory = false;
    }

    /// <inheritdoc />
    public override RamDataspace ContentRam => this;

    /// <summary>
    /// Touches every page so the memory is really backed now. Genode's RAM dataspaces are physical
    /// memory; left lazy, the first touch of each page would happen inside a checkpoint's pause
    /// (measured: 128 MiB of never-touched memory took over a second to copy here, 33 ms once backed).
    /// </summary>
    internal static void Prefault(byte* memory, long size) => PageBacking.Back(memory, size);

    /// <summary>A pinned array of <paramref name="size"/> bytes whose pages are backed now (a checkpoint's copy target).</summary>
    internal static byte[] BackedArray(int size)
    {
        var buffer = GC.AllocateUninitializedArray<byte>(size, pinned: true);
        fixed (byte* p = buffer) Prefault(p, buffer.Length);
        return buffer;
    }

    /// <inheritdoc />
    public override long Size => _size;

    /// <summary>Whether the memory was already freed.</summary>
    public bool IsFreed => _base == null;

    internal byte* Base
    {
        get
        {
            ObjectDisposedException.ThrowIf(_base == null, this);
            return _base;
        }
    }

    /// <summary>A span over part of the dataspace (at most 2 GiB at once).</summary>
    public Span<byte> GetSpan(long offset, int length)
    {
        if (offset < 0 || length < 0 || offset + length > _size)
            throw new ArgumentOutOfRangeException(nameof(offset), $"range [{offset}, {offset + length}) lies outside the dataspace of {_size} bytes");
        return new Span<byte>(Base + offset, length);
    }

    /// <summary>Copies the whole content into <paramref name="destination"/> (length must equal <see cref="Size"/>).</summary>
    public void CopyTo(Span<byte> destination)
    {
        if (destination.Length != _size) throw new ArgumentException($"destination has {destination.Length} bytes, dataspace has {_size}", nameof(destination));
        new ReadOnlySpan<byte>(Base, (int)_size).CopyTo(destination);
    }

    /// <summary>
    /// Copies the whole content into <paramref name="destination"/> unless the memory is already freed
    /// or not this dataspace's own; safe against a concurrent <see cref="Dispose"/> (the copy and the
    /// free exclude each other). For work on a running child, e.g. before a checkpoint's freeze.
    /// </summary>
    internal bool TryCopyWhileOwned(Span<byte> destination)
    {
        if (!_ownsMemory || destination.Length != _size) return false;
        lock (_freeGate)
        {
            if (_base == null) return false;
            new ReadOnlySpan<byte>(_base, (int)_size).CopyTo(destination);
            return true;
        }
    }

    /// <summary>Frees the memory after detaching it everywhere.</summary>
    public void Dispose()
    {
        if (_base == null) return;
        DetachEverywhere();
        if (_ownsMemory)
        {
            lock (_freeGate)
            {
                if (_base == null) return;
                NativeMemory.Free(_base);
                _base = null;
            }
            Interlocked.Add(ref s_outstanding, -_size);
        }
        _base = null;
    }
}
