using Rtcr.Execution;

namespace Rtcr.Memory;

/// <summary>
/// An address space of <see cref="Size"/> bytes into which dataspaces are attached. Access to an
/// unmapped address faults; with a fault handler installed the handler is signalled, reads
/// <see cref="State"/>, resolves the fault (usually by attaching) and the access is retried.
/// </summary>
public sealed class RegionMap
{
    /// <summary>Page size used to place attachments when no address is given.</summary>
    public const long PageSize = 4096;

    // Any attach/detach anywhere bumps this; translation caches compare it to know they are stale.
    private static long s_generation;
    private static readonly object s_changeLock = new(); // Monitor.Wait/Pulse target

    private readonly List<Attachment> _regions = new(); // sorted by Start, non-overlapping
    private readonly Lock _lock = new();
    private SignalContext? _faultHandler;
    private RegionMapState _state;

    /// <summary>Creates an empty region map.</summary>
    public RegionMap(string label, long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        Label = label;
        Size = size;
    }

    /// <summary>Name used in errors and inspection.</summary>
    public string Label { get; }

    /// <summary>Extent of the address space in bytes.</summary>
    public long Size { get; }

    internal static long Generation => Volatile.Read(ref s_generation);

    /// <summary>The current regions, sorted by start address.</summary>
    public IReadOnlyList<Attachment> Attachments
    {
        get { lock (_lock) return _regions.ToArray(); }
    }

    /// <summary>
    /// Attaches <paramref name="size"/> bytes (0 = the rest of the dataspace) of <paramref name="dataspace"/>
    /// from <paramref name="offset"/> at <paramref name="at"/>, or at the lowest free page-aligned address.
    /// Returns the start address.
    /// </summary>
    public long Attach(DataspaceMemory dataspace, long size = 0, long offset = 0, long? at = null, bool writable = true, bool executable = false)
    {
        ArgumentNullException.ThrowIfNull(dataspace);
        if (dataspace is ManagedDataspace managed && ContainsMap(managed.Map))
            throw new RegionConflictException(Label, $"attaching managed dataspace '{managed.Map.Label}' would make region maps contain each other");
        if (offset < 0 || offset >= dataspace.Size)
            throw new RegionConflictException(Label, $"offset {offset} lies outside the dataspace of {dataspace.Size} bytes");
        if (size == 0) size = dataspace.Size - offset;
        if (size < 0 || offset + size > dataspace.Size)
            throw new RegionConflictException(Label, $"size {size} from offset {offset} exceeds the dataspace of {dataspace.Size} bytes");

        long start;
        lock (_lock)
        {
            if (at is long fixedAt)
            {
                if (fixedAt < 0 || fixedAt + size > Size)
                    throw new RegionConflictException(Label, $"region [0x{fixedAt:x}, 0x{fixedAt + size:x}) lies outside the map of 0x{Size:x} bytes");
                int i = FindInsertIndex(fixedAt);
                if (i > 0 && _regions[i - 1].End > fixedAt)
                    throw Overlap(fixedAt, size, _regions[i - 1]);
                if (i < _regions.Count && _regions[i].Start < fixedAt + size)
                    throw Overlap(fixedAt, size, _regions[i]);
                start = fixedAt;
            }
            else start = FindFree(size);
            var region = new Attachment(start, size, dataspace, offset, writable, executable);
            _regions.Insert(FindInsertIndex(start), region);
            if (_state.Type != FaultType.None && _state.Address >= start && _state.Address < start + size)
                _state = default; // the pending fault is resolved
        }
        dataspace.NoteAttached(this);
        BumpGeneration();
        return start;
    }

    /// <summary>Detaches the region that contains <paramref name="at"/>.</summary>
    public void Detach(long at)
    {
        Attachment region;
        lock (_lock)
        {
            int i = FindRegionIndex(at);
            if (i < 0) throw new RegionConflictException(Label, $"no region is attached at 0x{at:x}");
            region = _regions[i];
            _regions.RemoveAt(i);
        }
        region.Dataspace.NoteDetached(this);
        BumpGeneration();
    }

    /// <summary>
    /// Changes the write permission of the region that contains <paramref name="at"/> in place (no
    /// detach and re-attach, so the region list does not move). Dirty tracking by writes uses it:
    /// designated dataspaces are attached read-only after a checkpoint and made writable on the first
    /// write fault. Resolves a pending fault inside the region when the region becomes writable.
    /// </summary>
    public void Protect(long at, bool writable)
    {
        lock (_lock)
        {
            int i = FindRegionIndex(at);
            if (i < 0) throw new RegionConflictException(Label, $"no region is attached at 0x{at:x}");
            var region = _regions[i];
            if (region.Writable == writable) return;
            _regions[i] = region with { Writable = writable };
            if (writable && _state.Type != FaultType.None && _state.Address >= region.Start && _state.Address < region.End)
                _state = default;
        }
        BumpGeneration();
    }

    /// <summary>
    /// <see cref="Protect"/> for many regions as one change (one translation-cache flush instead of
    /// one per region): re-arming write tracking makes every dirty designated dataspace read-only.
    /// </summary>
    internal void ProtectMany(IReadOnlyList<long> starts, bool writable)
    {
        if (starts.Count == 0) return;
        lock (_lock)
        {
            foreach (long at in starts)
            {
                int i = FindRegionIndex(at);
                if (i < 0) throw new RegionConflictException(Label, $"no region is attached at 0x{at:x}");
                if (_regions[i].Writable != writable) _regions[i] = _regions[i] with { Writable = writable };
            }
        }
        BumpGeneration();
    }

    /// <summary>
    /// Detaches every region at once (one list clear instead of one removal per region); returns how
    /// many there were. Re-arming access tracking uses it.
    /// </summary>
    public int DetachEverything()
    {
        Attachment[] removed;
        lock (_lock)
        {
            removed = _regions.ToArray();
            _regions.Clear();
        }
        foreach (var region in removed) region.Dataspace.NoteDetached(this);
        if (removed.Length > 0) BumpGeneration();
        return removed.Length;
    }

    /// <summary>
    /// Attaches whole dataspaces at the given addresses in one step; the regions must be sorted,
    /// must not overlap each other or anything attached. Tracked dataspaces arm thousands of
    /// designated dataspaces at once with it (one list insertion instead of one per region).
    /// </summary>
    internal void AttachSorted(IReadOnlyList<(DataspaceMemory Dataspace, long At)> regions, bool writable)
    {
        if (regions.Count == 0) return;
        var added = new Attachment[regions.Count];
        for (int i = 0; i < added.Length; i++)
        {
            var (ds, at) = regions[i];
            added[i] = new Attachment(at, ds.Size, ds, 0, writable, false);
            if (i > 0 && added[i - 1].End > at) throw Overlap(at, ds.Size, added[i - 1]);
        }
        lock (_lock)
        {
            long start = added[0].Start, end = added[^1].End;
            if (start < 0 || end > Size)
                throw new RegionConflictException(Label, $"regions [0x{start:x}, 0x{end:x}) lie outside the map of 0x{Size:x} bytes");
            int i = FindInsertIndex(start);
            if (i > 0 && _regions[i - 1].End > start) throw Overlap(start, end - start, _regions[i - 1]);
            if (i < _regions.Count && _regions[i].Start < end) throw Overlap(start, end - start, _regions[i]);
            _regions.InsertRange(i, added);
            if (_state.Type != FaultType.None && _state.Address >= start && _state.Address < end && writable)
                _state = default;
        }
        foreach (var a in added) a.Dataspace.NoteAttached(this);
        BumpGeneration();
    }

    /// <summary>Detaches every region that lies within [<paramref name="start"/>, <paramref name="end"/>) in one step.</summary>
    internal int DetachRange(long start, long end)
    {
        Attachment[] removed;
        lock (_lock)
        {
            int first = FindInsertIndex(start), last = first;
            while (last < _regions.Count && _regions[last].End <= end) last++;
            removed = _regions.GetRange(first, last - first).ToArray();
            _regions.RemoveRange(first, last - first);
        }
        foreach (var region in removed) region.Dataspace.NoteDetached(this);
        if (removed.Length > 0) BumpGeneration();
        return removed.Length;
    }

    /// <summary>Installs the signal context to be notified of faults (null removes it).</summary>
    public void SetFaultHandler(SignalContext? handler)
    {
        lock (_lock) _faultHandler = handler;
    }

    /// <summary>The installed fault handler, if any.</summary>
    public SignalContext? FaultHandler
    {
        get { lock (_lock) return _faultHandler; }
    }

    /// <summary>The fault state: type and address of the pending fault, or <see cref="FaultType.None"/>.</summary>
    public RegionMapState State()
    {
        lock (_lock) return _state;
    }

    /// <summary>
    /// Puts back a pending fault's state (restore of a child checkpointed while a thread waited for its
    /// fault): the restored handler reads what the original would have read.
    /// </summary>
    public void RestoreState(RegionMapState state)
    {
        lock (_lock) _state = state;
    }

    internal void DetachAll(DataspaceMemory dataspace)
    {
        bool changed = false;
        lock (_lock)
        {
            for (int i = _regions.Count - 1; i >= 0; i--)
            {
                if (!ReferenceEquals(_regions[i].Dataspace, dataspace)) continue;
                _regions.RemoveAt(i);
                changed = true;
            }
        }
        if (changed)
        {
            dataspace.NoteDetached(this);
            BumpGeneration();
        }
    }

    /// <summary>
    /// Resolves <paramref name="address"/> through this map and any nested managed dataspaces to RAM.
    /// On failure returns false with the map that faulted and the address local to it.
    /// </summary>
    internal unsafe bool TryTranslate(long address, bool write, out Translation translation, out RegionMap faultMap, out long faultAddress)
    {
        var map = this;
        long delta = 0; // address in 'map' = address - delta
        long lo = long.MinValue, hi = long.MaxValue;
        bool writable = true;
        while (true)
        {
            long local = address - delta;
            Attachment? region;
            lock (map._lock)
            {
                int i = map.FindRegionIndex(local);
                region = i < 0 ? null : map._regions[i];
            }
            if (region is null || (write && !region.Writable))
            {
                translation = Translation.Empty;
                faultMap = map;
                faultAddress = local;
                return false;
            }
            lo = Math.Max(lo, region.Start + delta);
            hi = Math.Min(hi, region.End + delta);
            writable &= region.Writable;
            switch (region.Dataspace)
            {
                case RamDataspace ram:
                    byte* atLo = ram.Base + region.Offset + (lo - delta - region.Start);
                    translation = new Translation(lo, hi, atLo, writable);
                    faultMap = null!;
                    faultAddress = 0;
                    return true;
                case ManagedDataspace nested:
                    delta += region.Start - region.Offset;
                    map = nested.Map;
                    break;
                default:
                    throw new NotSupportedException($"dataspace type {region.Dataspace.GetType().Name} cannot be accessed");
            }
        }
    }

    /// <summary>
    /// Records a fault and signals the handler. Returns false when no handler is installed; returns
    /// true with a null handler when the address is mapped by now (retry the access).
    /// </summary>
    internal bool RaiseFault(long localAddress, FaultType type, out SignalContext? handler)
    {
        lock (_lock)
        {
            handler = _faultHandler;
            if (handler is null) return false;
            // Resolved between the failed translation and now (another thread's fault, the handler):
            // recording it would leave a stale fault state and signal the handler for nothing.
            int i = FindRegionIndex(localAddress);
            if (i >= 0 && (type != FaultType.Write || _regions[i].Writable))
            {
                handler = null;
                return true;
            }
            _state = new RegionMapState(type, localAddress);
        }
        handler.Submit(1);
        return true;
    }

    /// <summary>Blocks until some region map changes after <paramref name="seenGeneration"/> or the timeout passes.</summary>
    internal static bool WaitForChange(long seenGeneration, TimeSpan timeout)
    {
        lock (s_changeLock)
        {
            if (Generation != seenGeneration) return true;
            Monitor.Wait(s_changeLock, timeout);
            return Generation != seenGeneration;
        }
    }

    private static readonly List<WeakReference<AddressSpace>> s_spaces = new();

    /// <summary>Address spaces whose translation caches are flushed whenever any region map changes.</summary>
    internal static void Track(AddressSpace space)
    {
        lock (s_changeLock) s_spaces.Add(new WeakReference<AddressSpace>(space));
    }

    private static void BumpGeneration()
    {
        lock (s_changeLock)
        {
            Interlocked.Increment(ref s_generation);
            // Push invalidation keeps the access fast path free of a generation check.
            s_spaces.RemoveAll(w =>
            {
                if (!w.TryGetTarget(out var space)) return true;
                space.Invalidate();
                return false;
            });
            Monitor.PulseAll(s_changeLock);
        }
    }

    private bool ContainsMap(RegionMap candidate)
    {
        if (ReferenceEquals(candidate, this)) return true;
        foreach (var region in candidate.Attachments)
            if (region.Dataspace is ManagedDataspace m && m.Map.ContainsMap(this)) return true;
        return false;
    }

    private long FindFree(long size)
    {
        long candidate = 0;
        foreach (var region in _regions)
        {
            if (region.Start - candidate >= size) return candidate;
            candidate = AlignUp(region.End);
        }
        if (candidate + size <= Size) return candidate;
        throw new RegionConflictException(Label, $"no free range of {size} bytes is left in the map of 0x{Size:x} bytes");
    }

    private static long AlignUp(long value) => (value + PageSize - 1) & ~(PageSize - 1);

    // Index of the first region starting at or after 'address'.
    private int FindInsertIndex(long address)
    {
        int lo = 0, hi = _regions.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_regions[mid].Start < address) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    private int FindRegionIndex(long address)
    {
        int i = FindInsertIndex(address + 1) - 1; // last region with Start <= address
        return i >= 0 && address < _regions[i].End ? i : -1;
    }

    private RegionConflictException Overlap(long start, long size, Attachment existing) =>
        new(Label, $"region [0x{start:x}, 0x{start + size:x}) overlaps the region [0x{existing.Start:x}, 0x{existing.End:x}) already attached");

    /// <inheritdoc />
    public override string ToString() => $"RegionMap '{Label}' (0x{Size:x} bytes, {Attachments.Count} regions)";
}
