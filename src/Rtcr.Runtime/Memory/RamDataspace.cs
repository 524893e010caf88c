using System.Runtime.InteropServices;

namespace Rtcr.Memory;

/// <summary>
/// A block of RAM in native memory (not on the GC heap, so it never moves and a checkpoint can copy
/// it with one memcpy). Freed explicitly; freeing detaches it from every region map first.
/// </summary>
/// <remarks>
/// <see cref="Dispose"/> may race with itself and with <see cref="CopyTo"/>: exactly one caller frees
/// the memory, and only once every copy that started before it has finished (a copy that starts
/// after it throws <see cref="ObjectDisposedException"/>). A span from <see cref="GetSpan"/> is the
/// caller's to keep inside the dataspace's lifetime.
/// </remarks>
public sealed unsafe class RamDataspace : DataspaceMemory, IDisposable
{
    private byte* _base;
    private readonly long _size;
    private readonly bool _ownsMemory = true;
    private int _disposed; // 1 once a Dispose claimed the memory; from then on no new lease starts
    private int _leases;   // copies in progress; the memory is freed only when none is left
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

    /// <summary>Whether the memory was freed (or is being freed by a <see cref="Dispose"/> in progress).</summary>
    public bool IsFreed => Volatile.Read(ref _disposed) != 0;

    internal byte* Base
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsFreed, this);
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
        Lease();
        try
        {
            new ReadOnlySpan<byte>(_base, (int)_size).CopyTo(destination);
        }
        finally
        {
            Interlocked.Decrement(ref _leases);
        }
    }

    /// <summary>
    /// Copies the whole content into <paramref name="destination"/> unless the memory is already freed
    /// or not this dataspace's own; safe against a concurrent <see cref="Dispose"/> (a lease, as
    /// <see cref="CopyTo"/> takes). For work on a running child, e.g. before a checkpoint's freeze.
    /// </summary>
    internal bool TryCopyWhileOwned(Span<byte> destination)
    {
        if (!_ownsMemory || destination.Length != _size) return false;
        Interlocked.Increment(ref _leases);
        try
        {
            if (Volatile.Read(ref _disposed) != 0) return false;
            new ReadOnlySpan<byte>(_base, (int)_size).CopyTo(destination);
            return true;
        }
        finally
        {
            Interlocked.Decrement(ref _leases);
        }
    }

    // Announce a copy, then look for a Dispose: with Dispose's claim-then-count order (both
    // interlocked, so neither read moves before the other's write) either the copy sees the claim
    // and backs out, or Dispose sees the copy and waits for it.
    private void Lease()
    {
        Interlocked.Increment(ref _leases);
        if (Volatile.Read(ref _disposed) != 0)
        {
            Interlocked.Decrement(ref _leases);
            throw new ObjectDisposedException(nameof(RamDataspace));
        }
    }

    /// <summary>
    /// Frees the memory after detaching it everywhere and after every copy in progress has finished.
    /// Safe to call more than once and from several threads at once: the first call frees.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        DetachEverywhere();
        var spin = new SpinWait();
        while (Volatile.Read(ref _leases) != 0) spin.SpinOnce(); // a copy is a bounded memcpy
        byte* memory = _base;
        _base = null;
        if (_ownsMemory)
        {
            NativeMemory.Free(memory);
            Interlocked.Add(ref s_outstanding, -_size);
        }
    }
}
