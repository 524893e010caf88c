using System.Runtime.CompilerServices;

namespace Rtcr.Memory;

/// <summary>
/// How a component touches memory: reads and writes at virtual addresses of its root region map.
/// The last translation used, backed by a small direct-mapped translation cache (both flushed by
/// every region-map change), keeps repeated access within a region to a range check and a pointer add. Faults are raised to the
/// faulting region map's handler and the access is retried once it is resolved.
/// </summary>
public sealed unsafe class AddressSpace
{
    private const int CacheSlots = 64;
    private const int CacheShift = 16; // 64 KiB per cache line of the direct map
    private readonly Translation[] _cache = new Translation[CacheSlots];
    private Translation _last = Translation.Empty;
    private long _epoch; // bumped by every flush, so a translation resolved before a flush is not kept

    /// <summary>Creates the view of a root region map.</summary>
    /// <param name="root">The component's address space region map.</param>
    /// <param name="faultWaitTimeout">How long a threaded access waits for a fault to be resolved before it fails.</param>
    public AddressSpace(RegionMap root, TimeSpan? faultWaitTimeout = null)
    {
        Root = root;
        FaultWaitTimeout = faultWaitTimeout ?? TimeSpan.FromSeconds(30);
        Array.Fill(_cache, Translation.Empty);
        RegionMap.Track(this);
    }

    /// <summary>The root region map.</summary>
    public RegionMap Root { get; }

    /// <summary>Upper bound on waiting for a fault handler in threaded execution.</summary>
    public TimeSpan FaultWaitTimeout { get; }

    /// <summary>Reads an unmanaged value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Read<T>(long address) where T : unmanaged => Unsafe.ReadUnaligned<T>(Translate(address, sizeof(T), write: false));

    /// <summary>Writes an unmanaged value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write<T>(long address, T value) where T : unmanaged => Unsafe.WriteUnaligned(Translate(address, sizeof(T), write: true), value);

    /// <summary>Copies bytes out of memory (may span several regions).</summary>
    public void Read(long address, Span<byte> destination)
    {
        while (!destination.IsEmpty)
        {
            int chunk = ChunkAt(address, destination.Length, write: false, out byte* p);
            new ReadOnlySpan<byte>(p, chunk).CopyTo(destination);
            destination = destination[chunk..];
            address += chunk;
        }
    }

    /// <summary>Copies bytes into memory (may span several regions).</summary>
    public void Write(long address, ReadOnlySpan<byte> source)
    {
        while (!source.IsEmpty)
        {
            int chunk = ChunkAt(address, source.Length, write: true, out byte* p);
            source[..chunk].CopyTo(new Span<byte>(p, chunk));
            source = source[chunk..];
            address += chunk;
        }
    }

    /// <summary>
    /// A span over <paramref name="length"/> bytes at <paramref name="address"/>; the range must lie within
    /// one region. The span is valid until the region is detached.
    /// </summary>
    public Span<byte> GetSpan(long address, int length, bool write = true) => new(Translate(address, length, write), length);

    /// <summary>Forgets cached translations (after a region map change they are dropped anyway).</summary>
    public void FlushCache() => Invalidate();

    internal void Invalidate()
    {
        Interlocked.Increment(ref _epoch);
        _last = Translation.Empty;
        Array.Fill(_cache, Translation.Empty);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private byte* Translate(long address, int length, bool write)
    {
        var t = _last; // one reference read: the entry is consistent even if another thread replaces it
        ulong offset = (ulong)(address - t.VaStart);
        if (offset < (ulong)t.Length && offset + (ulong)length <= (ulong)t.Length && (t.Writable || !write))
            return t.Base + offset;
        return TranslateSlow(address, length, write);
    }

    private byte* TranslateSlow(long address, int length, bool write)
    {
        long epoch = Volatile.Read(ref _epoch);
        int slot = (int)((ulong)address >> CacheShift) & (CacheSlots - 1);
        var t = _cache[slot];
        if (!(address >= t.VaStart && address < t.VaEnd && (t.Writable || !write)))
        {
            t = Resolve(address, write);
            _cache[slot] = t;
        }
        if (address + length > t.VaEnd)
            throw new ArgumentOutOfRangeException(nameof(length),
                $"access of {length} bytes at 0x{address:x} crosses the end of its region at 0x{t.VaEnd:x}; use Read/Write(span) for multi-region copies");
        _last = t;
        // A flush that raced with this resolution must not leave its result behind.
        if (Volatile.Read(ref _epoch) != epoch)
        {
            _last = Translation.Empty;
            _cache[slot] = Translation.Empty;
        }
        return t.Base + (address - t.VaStart);
    }

    private int ChunkAt(long address, int wanted, bool write, out byte* pointer)
    {
        var t = Resolve(address, write);
        pointer = t.Base + (address - t.VaStart);
        return (int)Math.Min(wanted, t.VaEnd - address);
    }

    private Translation Resolve(long address, bool write)
    {
        var type = write ? FaultType.Write : FaultType.Read;
        int attempts = 0;
        while (true)
        {
            long generation = RegionMap.Generation;
            if (Root.TryTranslate(address, write, out var t, out var faultMap, out long faultAddress))
                return t;
            if (!faultMap.RaiseFault(faultAddress, type, out var handler))
                throw new PageFaultException(faultMap.Label, type, faultAddress, "no fault handler is installed");
            if (handler is null) continue; // resolved meanwhile
            attempts++;
            var ep = handler.Entrypoint;
            if (ep.IsInline)
            {
                // Deterministic execution: run the handler now, on this thread, then retry once.
                ep.DispatchAllPending();
                if (attempts > 1 && RegionMap.Generation == generation)
                    throw new PageFaultException(faultMap.Label, type, faultAddress, $"fault handler '{handler.Handler}' did not resolve the fault");
            }
            else if (!Execution.KernelThread.WaitForFault(generation, FaultWaitTimeout, RegionMap.WaitForChange))
                throw new PageFaultException(faultMap.Label, type, faultAddress, $"fault handler '{handler.Handler}' did not resolve the fault within {FaultWaitTimeout}");
        }
    }
}
