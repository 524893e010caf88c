using Rtcr.Memory;

namespace Rtcr.Tracking;

/// <summary>
/// A RAM dataspace as the parent hands it to a child that is checkpointed incrementally: a managed
/// dataspace (a region map of the same size) filled with <em>designated dataspaces</em> that cover
/// it exactly, without overlap, each a view on one contiguous backing block. After every checkpoint
/// the designated dataspaces are detached (access tracking) or attached read-only (write tracking);
/// the first access or write faults, the parent's fault handler attaches (or unprotects) the one
/// designated dataspace that covers the address and marks it dirty, and the child's access is
/// retried. The next checkpoint copies only the dirty ones. The child sees an ordinary dataspace of
/// the same size at the same addresses.
/// </summary>
public sealed unsafe class TrackedDataspace : ManagedDataspace, IDisposable
{
    private readonly RamDataspace _backing;
    private readonly TrackedBlock[] _blocks;
    private readonly long _blockSize;
    private readonly Lock _lock = new();
    private readonly TrackingOptions _options;
    private long _faults;
    private long _dirtyBytes;
    private bool _disposed;
    private byte[]? _deltaBuffer; // kept between checkpoints: fresh memory costs a page fault per page
    private bool _deltaBufferLent;

    /// <summary>Creates a tracked dataspace of <paramref name="size"/> bytes (whole pages).</summary>
    /// <param name="label">Name of its region map, used in errors.</param>
    /// <param name="size">Size in bytes, a multiple of the page size.</param>
    /// <param name="granularity">Initial size of a designated dataspace.</param>
    /// <param name="options">Tracking mode and adaptive parameters.</param>
    public TrackedDataspace(string label, long size, long granularity, TrackingOptions options)
        : base(new RegionMap(label, size))
    {
        ArgumentNullException.ThrowIfNull(options);
        TrackingOptions.CheckSize(nameof(granularity), granularity);
        if (size % RegionMap.PageSize != 0) throw new ArgumentException($"a tracked dataspace is whole pages, not {size} bytes", nameof(size));
        _options = options;
        Mode = options.Mode;
        _blockSize = Math.Max(options.MaxGranularity, granularity);
        _backing = new RamDataspace(size);
        int blocks = (int)((size + _blockSize - 1) / _blockSize);
        _blocks = new TrackedBlock[blocks];
        for (int b = 0; b < blocks; b++)
        {
            long start = b * _blockSize;
            _blocks[b] = CreateBlock(start, Math.Min(_blockSize, size - start), granularity);
        }
        if (Mode == TrackingMode.Write)
            foreach (var block in _blocks) ArmBlock(block);
    }

    /// <summary>Write or access tracking.</summary>
    public TrackingMode Mode { get; }

    /// <summary>The memory that holds the bytes (what a checkpoint copies and a restore fills).</summary>
    public override RamDataspace ContentRam => _backing;

    /// <summary>Faults resolved since creation (each one marked a designated dataspace dirty).</summary>
    public long Faults => Interlocked.Read(ref _faults);

    /// <summary>Number of designated dataspaces.</summary>
    public int DesignatedCount
    {
        get { lock (_lock) return _blocks.Sum(b => b.Count); }
    }

    /// <summary>Number of designated dataspaces that are dirty in the current epoch.</summary>
    public int DirtyCount
    {
        get { lock (_lock) return _blocks.Sum(b => b.DirtyCount); }
    }

    /// <summary>Bytes the next incremental checkpoint would copy (kept as a running sum: the policy, the buffer sizing and the copy all ask).</summary>
    public long DirtyBytes => Interlocked.Read(ref _dirtyBytes);

    /// <summary>
    /// Designated dataspaces the child can use without faulting: attached ones under access tracking,
    /// writable ones under write tracking. Right after a checkpoint this is 0.
    /// </summary>
    public int ArmedOpenCount
    {
        get
        {
            int open = 0;
            foreach (var a in Map.Attachments)
                if (Mode == TrackingMode.Access || a.Writable) open++;
            return open;
        }
    }

    /// <summary>The designated dataspaces as (offset, size) in address order.</summary>
    public IReadOnlyList<MemoryRange> Designated
    {
        get
        {
            lock (_lock)
            {
                var list = new List<MemoryRange>();
                foreach (var block in _blocks)
                    for (int i = 0; i < block.Count; i++) list.Add(new MemoryRange(block.PieceStart(i), block.PieceLength(i)));
                return list;
            }
        }
    }

    /// <summary>The dirty designated dataspaces, adjacent ones joined, in address order.</summary>
    public IReadOnlyList<MemoryRange> DirtyRanges()
    {
        lock (_lock) return CollectDirty();
    }

    /// <summary>
    /// Resolves the fault pending in this dataspace's region map, if any: marks the designated
    /// dataspace that covers the address dirty and opens it. Runs on the parent's fault-handler
    /// entrypoint, never on the child's. Returns false when nothing was pending.
    /// </summary>
    public bool ResolveFault()
    {
        var state = Map.State();
        if (state.Type == FaultType.None) return false;
        lock (_lock)
        {
            if (_disposed) return false;
            long address = state.Address;
            // The map is exactly as large as the dataspace and the blocks cover it: the lookup is two
            // divisions, exact at a block's last byte and one past it (the original was off by one).
            // Unreachable while the map is only attached whole; the faulting access then stays unresolved
            // and fails in the child's thread, never here in the parent's handler.
            if (address < 0 || address >= Size) return false;
            var block = _blocks[address / _blockSize];
            int i = (int)((address - block.Start) / block.PieceSize);
            if (block.Dirty[i]) return true; // resolved by an earlier run; the faulting access retries
            block.Dirty[i] = true;
            block.DirtyCount++;
            Interlocked.Add(ref _dirtyBytes, block.PieceLength(i));
            if (Mode == TrackingMode.Access) Map.Attach(block.Views[i], at: block.PieceStart(i));
            else Map.Protect(block.PieceStart(i), writable: true);
        }
        Interlocked.Increment(ref _faults);
        return true;
    }

    /// <summary>
    /// Copies the dirty designated dataspaces, packed one after the other, into <paramref name="destination"/>
    /// and re-arms tracking (the checkpoint's step, with the child frozen). Returns the ranges copied.
    /// </summary>
    public IReadOnlyList<MemoryRange> CopyDirtyAndRearm(Span<byte> destination)
    {
        lock (_lock)
        {
            var ranges = CollectDirty();
            long at = 0;
            foreach (var r in ranges)
            {
                new ReadOnlySpan<byte>(_backing.Base + r.Offset, checked((int)r.Length)).CopyTo(destination[(int)at..]);
                at += r.Length;
            }
            RearmLocked();
            return ranges;
        }
    }

    /// <summary>Copies the whole content into <paramref name="destination"/> and re-arms tracking (a full checkpoint's step).</summary>
    public void CopyAllAndRearm(Span<byte> destination)
    {
        lock (_lock)
        {
            _backing.CopyTo(destination);
            RearmLocked();
        }
    }

    /// <summary>Forgets every dirty mark and re-arms tracking without copying (after a restore filled the backing).</summary>
    public void Rearm()
    {
        lock (_lock) RearmLocked();
    }

    /// <summary>
    /// A buffer of at least <paramref name="bytes"/> for the next delta's copy. The same pinned,
    /// already backed buffer is lent again and again while it is given back in time (after the
    /// image was written); otherwise a new one is made and becomes the kept one.
    /// </summary>
    internal byte[] LendDeltaBuffer(long bytes)
    {
        lock (_lock)
        {
            if (_deltaBuffer is { } kept && !_deltaBufferLent && kept.Length >= bytes)
            {
                _deltaBufferLent = true;
                return kept;
            }
            long size = Math.Min(Size, Math.Max(bytes, (_deltaBuffer?.Length ?? 0) * 3L / 2));
            var fresh = RamDataspace.BackedArray(checked((int)Math.Max(size, bytes)));
            if (!_deltaBufferLent)
            {
                _deltaBuffer = fresh;
                _deltaBufferLent = true;
            }
            return fresh;
        }
    }

    /// <summary>Takes back a buffer from <see cref="LendDeltaBuffer"/> once nothing refers to it any more.</summary>
    internal void ReturnDeltaBuffer(byte[] buffer)
    {
        lock (_lock)
            if (ReferenceEquals(buffer, _deltaBuffer)) _deltaBufferLent = false;
    }

    /// <summary>Current size of the designated dataspaces in each block, in address order (adaptive mode changes them).</summary>
    public IReadOnlyList<long> BlockGranularities()
    {
        lock (_lock) return _blocks.Select(b => b.PieceSize).ToArray();
    }

    /// <summary>Detaches everything and frees the backing memory.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
        }
        DetachEverywhere();
        Map.DetachEverything();
        _backing.Dispose();
    }

    private List<MemoryRange> CollectDirty()
    {
        var ranges = new List<MemoryRange>();
        foreach (var block in _blocks)
        {
            if (block.DirtyCount == 0) continue;
            for (int i = 0; i < block.Count; i++)
            {
                if (!block.Dirty[i]) continue;
                long start = block.PieceStart(i), length = block.PieceLength(i);
                if (ranges.Count > 0 && ranges[^1].End == start) ranges[^1] = ranges[^1] with { Length = ranges[^1].Length + length };
                else ranges.Add(new MemoryRange(start, length));
            }
        }
        return ranges;
    }

    private void RearmLocked()
    {
        Interlocked.Exchange(ref _dirtyBytes, 0);
        var reprotect = new List<long>();
        if (Mode == TrackingMode.Access) Map.DetachEverything();
        for (int b = 0; b < _blocks.Length; b++)
        {
            var block = _blocks[b];
            if (_options.Adaptive is { } adaptive && Resize(block, adaptive) is long size)
            {
                if (Mode == TrackingMode.Write) Map.DetachRange(block.Start, block.Start + block.Length);
                var resized = CreateBlock(block.Start, block.Length, size);
                if (Mode == TrackingMode.Write) ArmBlock(resized);
                _blocks[b] = resized;
                continue;
            }
            if (block.DirtyCount == 0) continue;
            for (int i = 0; i < block.Count; i++)
            {
                if (!block.Dirty[i]) continue;
                block.Dirty[i] = false;
                if (Mode == TrackingMode.Write) reprotect.Add(block.PieceStart(i));
            }
            block.DirtyCount = 0;
        }
        Map.ProtectMany(reprotect, writable: false);
    }

    // The adaptive decision for one block at the end of an epoch: the new size, or null to keep it.
    private long? Resize(TrackedBlock block, AdaptiveGranularity p)
    {
        if (block.DirtyCount == 0)
        {
            block.MergeVotes = block.SplitVotes = 0; // no evidence either way
            return null;
        }
        long s = block.PieceSize;
        int dirty = block.DirtyCount, pairsBoth = 0, pairsAny = 0;
        for (int i = 0; i + 1 < block.Count; i += 2)
        {
            bool a = block.Dirty[i], c = block.Dirty[i + 1];
            if (a && c) pairsBoth++;
            if (a || c) pairsAny++;
        }
        if (block.Count % 2 == 1 && block.Dirty[block.Count - 1]) pairsAny++;
        double perKiB = p.CopyCostNanosecondsPerKiB / 1024.0;
        double costNow = dirty * (p.FaultCostNanoseconds + s * perKiB);
        double costMerged = pairsAny * (p.FaultCostNanoseconds + 2 * s * perKiB);
        bool merge = s * 2 <= _options.MaxGranularity && s * 2 <= block.Length && costMerged < costNow;
        bool split = !merge && s / 2 >= _options.MinGranularity && 2.0 * pairsBoth < p.SplitWhenPairedBelow * dirty;
        block.MergeVotes = merge ? block.MergeVotes + 1 : 0;
        block.SplitVotes = split ? block.SplitVotes + 1 : 0;
        if (block.MergeVotes >= p.MergeAfter) return s * 2;
        if (block.SplitVotes >= p.SplitAfter) return s / 2;
        return null;
    }

    private TrackedBlock CreateBlock(long start, long length, long pieceSize)
    {
        var block = new TrackedBlock(start, length, pieceSize);
        for (int i = 0; i < block.Count; i++)
            block.Views[i] = new RamDataspace(_backing.Base + block.PieceStart(i), block.PieceLength(i));
        return block;
    }

    private void ArmBlock(TrackedBlock block)
    {
        var regions = new (DataspaceMemory, long)[block.Count];
        for (int i = 0; i < block.Count; i++) regions[i] = (block.Views[i], block.PieceStart(i));
        Map.AttachSorted(regions, writable: false);
    }
}
