namespace Rtcr.Capabilities;

/// <summary>
/// A protection domain's bounded capability space: slots <c>0..Capacity-1</c>, each free or holding a
/// badge. A parent can enumerate it (checkpoint) and install badges at given indices (restore), so
/// indices the child keeps in its own memory stay valid across a restore.
/// </summary>
public sealed class CapabilitySpace
{
    private readonly long[] _slots;
    private readonly Lock _lock = new();
    private int _used;
    private int _searchFrom;

    /// <summary>Creates an empty capability space.</summary>
    public CapabilitySpace(string owner, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Owner = owner;
        _slots = new long[capacity];
    }

    /// <summary>Label of the protection domain owning this space (used in error messages).</summary>
    public string Owner { get; }

    /// <summary>Number of slots.</summary>
    public int Capacity => _slots.Length;

    /// <summary>Number of occupied slots.</summary>
    public int Used
    {
        get { lock (_lock) return _used; }
    }

    /// <summary>Puts a badge into the lowest free slot and returns its index.</summary>
    public int Allocate(long badge)
    {
        if (badge <= 0) throw new ArgumentOutOfRangeException(nameof(badge), badge, "a badge is positive");
        lock (_lock)
        {
            if (_used == _slots.Length)
                throw new CapabilityException(CapabilityError.SpaceExhausted, Owner, -1,
                    $"all {_slots.Length} slots are in use; free a capability or create the PD with a larger capability space");
            for (int i = _searchFrom; i < _slots.Length; i++)
            {
                if (_slots[i] != 0) continue;
                _slots[i] = badge;
                _used++;
                _searchFrom = i + 1;
                return i;
            }
            // _searchFrom only moves past occupied slots, so a free slot below it was freed later
            // and lowered it again; reaching here means the invariant broke.
            throw new InvalidOperationException("capability space free-slot search invariant violated");
        }
    }

    /// <summary>Puts a badge at a given index (restore installs capabilities at their old indices).</summary>
    public void AllocateAt(int index, long badge)
    {
        if (badge <= 0) throw new ArgumentOutOfRangeException(nameof(badge), badge, "a badge is positive");
        lock (_lock)
        {
            CheckBounds(index);
            if (_slots[index] != 0)
                throw new CapabilityException(CapabilityError.SlotTaken, Owner, index,
                    $"slot is already taken by badge {_slots[index]}");
            _slots[index] = badge;
            _used++;
        }
    }

    /// <summary>Returns the badge in a slot, checking bounds and that the slot is occupied.</summary>
    public long Lookup(int index)
    {
        // Lock-free: a slot is one aligned long, read atomically; writers change slots under the lock.
        CheckBounds(index);
        long badge = Volatile.Read(ref _slots[index]);
        if (badge == 0)
            throw new CapabilityException(CapabilityError.FreeSlot, Owner, index, "slot is free (capability was never allocated or already freed)");
        return badge;
    }

    /// <summary>The badge in a slot, or false when the index is out of bounds or the slot is free.</summary>
    public bool TryLookup(int index, out long badge)
    {
        badge = (uint)index < (uint)_slots.Length ? Volatile.Read(ref _slots[index]) : 0;
        return badge != 0;
    }

    /// <summary>The lowest slot holding <paramref name="badge"/>, or -1.</summary>
    public int IndexOf(long badge)
    {
        lock (_lock) return badge <= 0 ? -1 : Array.IndexOf(_slots, badge);
    }

    /// <summary>Empties every slot (restore rebuilds the space from the image).</summary>
    public void Clear()
    {
        lock (_lock)
        {
            Array.Clear(_slots);
            _used = 0;
            _searchFrom = 0;
        }
    }

    /// <summary>Frees a slot and returns the badge it held.</summary>
    public long Free(int index)
    {
        lock (_lock)
        {
            CheckBounds(index);
            long badge = _slots[index];
            if (badge == 0)
                throw new CapabilityException(CapabilityError.FreeSlot, Owner, index, "cannot free a slot that is already free");
            _slots[index] = 0;
            _used--;
            if (index < _searchFrom) _searchFrom = index;
            return badge;
        }
    }

    /// <summary>The occupied slots in index order, as a parent reads them for a checkpoint.</summary>
    public IReadOnlyList<(int Index, long Badge)> Snapshot()
    {
        lock (_lock)
        {
            var result = new List<(int, long)>(_used);
            for (int i = 0; i < _slots.Length; i++)
                if (_slots[i] != 0) result.Add((i, _slots[i]));
            return result;
        }
    }

    private void CheckBounds(int index)
    {
        // The original Rtcr compared with '>' where '>=' was needed; one past the end is out of bounds too.
        if ((uint)index >= (uint)_slots.Length)
            throw new CapabilityException(CapabilityError.OutOfBounds, Owner, index,
                $"index is outside the capability space (capacity {_slots.Length}, valid indices 0..{_slots.Length - 1})");
    }
}
