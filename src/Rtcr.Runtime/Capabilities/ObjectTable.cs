namespace Rtcr.Capabilities;

/// <summary>
/// The kernel's global table of RPC objects, keyed by badge. Badges are never reused, so a capability
/// that outlives its object is detected as stale rather than silently reaching a newer object.
/// </summary>
public sealed class ObjectTable
{
    // Readers (every capability invocation) go lock-free through the concurrent dictionary; writers
    // take the lock so the two maps change together.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, object> _objects = new();
    private readonly Dictionary<object, long> _badges = new(ReferenceEqualityComparer.Instance);
    // The protection domain an object was created for (installed into first): when that domain goes,
    // what its sessions created goes too, even where a server forgot to remove it.
    private readonly Dictionary<long, object> _owners = new();
    private readonly Lock _lock = new();
    private long _nextBadge;
    private long _lookups;

    /// <summary>Number of live objects.</summary>
    public int Count => _objects.Count;

    /// <summary>The live objects of type <typeparamref name="T"/> (a snapshot; for rare kernel-wide walks such as freeing memory).</summary>
    public IReadOnlyList<T> OfType<T>() where T : class => _objects.Values.OfType<T>().ToArray();

    /// <summary>Registers an object and returns its new badge.</summary>
    public long Register(object obj) => Register(obj, owner: null);

    /// <summary>Registers an object created for <paramref name="owner"/> (see <see cref="RemoveOwnedBy"/>) and returns its new badge.</summary>
    public long Register(object obj, object? owner)
    {
        ArgumentNullException.ThrowIfNull(obj);
        lock (_lock)
        {
            long badge = ++_nextBadge;
            _objects[badge] = obj;
            _badges[obj] = badge;
            if (owner is not null) _owners[badge] = owner;
            return badge;
        }
    }

    /// <summary>
    /// Removes every object still registered for <paramref name="owner"/> (a destroyed child's sessions
    /// are closed: what they created for it must not stay reachable, nor keep its memory alive).
    /// </summary>
    /// <returns>The number of objects removed.</returns>
    public int RemoveOwnedBy(object owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        lock (_lock)
        {
            var owned = new List<long>();
            foreach (var (badge, o) in _owners)
                if (ReferenceEquals(o, owner)) owned.Add(badge);
            foreach (long badge in owned)
            {
                _owners.Remove(badge);
                if (_objects.TryRemove(badge, out var old)) _badges.Remove(old);
            }
            return owned.Count;
        }
    }

    /// <summary>
    /// Number of <see cref="TryGet"/> calls so far. Tests use it to show that checkpoint and restore do
    /// work linear in the number of objects (the original Rtcr compared object lists pairwise).
    /// </summary>
    public long Lookups
    {
        get => Interlocked.Read(ref _lookups);
    }

    /// <summary>Makes room for <paramref name="additional"/> more objects at once (a restore knows how many it brings back).</summary>
    public void EnsureCapacity(int additional)
    {
        lock (_lock) _badges.EnsureCapacity(_badges.Count + additional);
    }

    /// <summary>Looks an object up; returns false when the badge is unknown or the object was removed.</summary>
    public bool TryGet(long badge, out object obj)
    {
        // A plain increment: the count is exact for single-threaded (deterministic) use, and an atomic
        // one would make every invocation contend on one cache line.
        _lookups++;
        if (_objects.TryGetValue(badge, out var found))
        {
            obj = found;
            return true;
        }
        obj = null!;
        return false;
    }

    /// <summary>
    /// Puts another object behind an existing badge. A parent uses this to interpose a recording
    /// proxy in front of an object a session just created, so every holder reaches the proxy.
    /// </summary>
    public void Replace(long badge, object obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        lock (_lock)
        {
            if (!_objects.TryGetValue(badge, out var old))
                throw new KeyNotFoundException($"badge {badge} is not registered in the object table");
            _badges.Remove(old);
            _objects[badge] = obj;
            _badges[obj] = badge;
        }
    }

    /// <summary>Removes an object; capabilities that still name it become stale.</summary>
    public bool Remove(long badge)
    {
        lock (_lock)
        {
            if (!_objects.TryRemove(badge, out var old)) return false;
            _badges.Remove(old);
            _owners.Remove(badge);
            return true;
        }
    }

    /// <summary>Finds the badge of a registered object (by reference), or 0 when it is not registered.</summary>
    public long BadgeOf(object obj)
    {
        lock (_lock) return _badges.TryGetValue(obj, out var badge) ? badge : 0;
    }
}
