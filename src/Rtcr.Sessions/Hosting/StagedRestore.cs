using System.Reflection;
using Rtcr.Capabilities;
using Rtcr.Checkpoint;
using Rtcr.Execution;
using Rtcr.Memory;
using Rtcr.Recording;
using Rtcr.Tracking;

namespace Rtcr.Sessions;

/// <summary>
/// A restore that keeps up with a growing image chain (live migration's target): the full image is
/// restored into a frozen child at once, and every delta is then applied to that child in place — the
/// dirty memory ranges written into its dataspaces, and the session state the delta carries (thread
/// registers, timer programming, quotas, pending signals and faults: what state hooks capture) put
/// back — so that resuming it after the last delta costs only that delta instead of a whole restore.
/// <para>
/// In place is only right while the child's structure stays as it was in the full image: the same
/// capabilities at the same indices, the same sessions with the same recorded creations and settings,
/// the same metadata (program, handlers, ROM modules). A delta that changes any of these (a new
/// thread, a freed dataspace, a re-programmed setting) is refused by <see cref="TryApply"/> with the
/// reason, before anything is written; the caller then restores the folded chain the ordinary way.
/// A failure while applying leaves the child unusable (<see cref="Broken"/>).
/// </para>
/// </summary>
public sealed class StagedRestore
{
    private readonly ComponentHost _host;
    private readonly ImageManifest _base;
    private readonly Dictionary<long, long> _badges;
    private readonly Dictionary<long, string> _records;
    private string _lastId;
    private ulong _lastChecksum;

    private StagedRestore(ComponentHost host, Child child, CheckpointImage full, Dictionary<long, long> badges, Dictionary<long, string> records)
    {
        _host = host;
        Child = child;
        _base = full.Manifest;
        _badges = badges;
        _records = records;
        _lastId = full.Manifest.ImageId;
        _lastChecksum = full.ManifestChecksum;
        ClockMicroseconds = full.Manifest.ClockMicroseconds;
    }

    /// <summary>The restored child, frozen until the caller resumes it (<see cref="ComponentHost.Resume"/> with <see cref="ClockMicroseconds"/>).</summary>
    public Child Child { get; }

    /// <summary>The kernel clock of the newest image applied: resume the child at this time.</summary>
    public long ClockMicroseconds { get; private set; }

    /// <summary>Deltas applied so far.</summary>
    public int Applied { get; private set; }

    /// <summary>A delta failed halfway: the child matches no image and must be discarded.</summary>
    public bool Broken { get; private set; }

    /// <summary>Restores <paramref name="full"/> (a full image) into <paramref name="host"/>, frozen, ready for deltas.</summary>
    /// <exception cref="Restore.RestoreException">As <see cref="ComponentHost.Restore(CheckpointImage, Func{string, IComponentProgram}, TrackingOptions?, string?, ChildOptions?, bool)"/>.</exception>
    public static StagedRestore Begin(ComponentHost host, CheckpointImage full, Func<string, IComponentProgram> programs, TrackingOptions? tracking)
    {
        if (full.IsDelta) throw new ArgumentException($"image {full.Manifest.ImageId} is a delta; a staged restore starts from a full image", nameof(full));
        var child = host.Restore(full, programs, tracking, leaveStopped: true);
        // The restore put every capability back at its old index: that is the old -> new badge map.
        var badges = new Dictionary<long, long>();
        foreach (var cap in full.Manifest.Capabilities)
            if (child.Env.Domain.Caps.TryLookup(cap.Index, out long now)) badges[cap.Badge] = now;
        return new StagedRestore(host, child, full, badges, Describe(host, full.Manifest));
    }

    /// <summary>
    /// Applies the next delta of the chain in place; false (with the reason, nothing changed) when the
    /// delta changed the child's structure and the chain must be restored the ordinary way.
    /// </summary>
    /// <exception cref="InvalidOperationException">The staged child is <see cref="Broken"/>.</exception>
    /// <exception cref="Image.ImageFormatException">The delta is not the next link of the chain.</exception>
    public bool TryApply(CheckpointImage delta, out string reason)
    {
        if (Broken) throw new InvalidOperationException("a previous delta failed halfway; the staged child must be discarded");
        var m = delta.Manifest;
        if (!delta.IsDelta || m.ParentImageId != _lastId || m.ParentManifestChecksum != _lastChecksum)
            throw new Image.ImageFormatException(Image.ImageError.ParentMismatch, m.Label, $"image {m.ImageId} is not a delta of image {_lastId}");
        if (Differs(m) is { } why)
        {
            reason = why;
            return false;
        }
        var memory = new List<(RamDataspace Ram, DataspaceImage Image)>();
        foreach (var ds in m.Dataspaces)
        {
            // A range list applies to the same dataspace of the parent; one against zeros (a new dataspace) is a structure change.
            if (!_badges.TryGetValue(ds.Badge, out long badge) || ds.Ranges is not null && ds.BaseBadge != ds.Badge
                || !_host.Kernel.Objects.TryGet(badge, out var obj) || SessionInspector.Instance.MemoryOf(obj)?.ContentRam is not { } ram || ram.Size != ds.Size)
            {
                reason = $"dataspace {ds.Badge} ({ds.Size} bytes) is not the one of the full image";
                return false;
            }
            memory.Add((ram, ds));
        }
        // Signals: the staged child ran nothing since its restore (timers held), so a context holds what
        // was queued so far; a queue can be topped up to the delta's count, never lowered.
        var want = m.PendingSignals.ToDictionary(p => p.ContextBadge, p => p.Count);
        var topUps = new List<(SignalContext Context, int Count)>();
        foreach (var cap in _base.Capabilities)
        {
            if (!_badges.TryGetValue(cap.Badge, out long badge) || !_host.Kernel.Objects.TryGet(badge, out var obj) || SessionInspector.Instance.SignalContextOf(obj) is not { } ctx) continue;
            int needed = want.GetValueOrDefault(cap.Badge) - ctx.PendingCount;
            if (needed < 0)
            {
                reason = $"signal context {cap.Badge} has {ctx.PendingCount} signals queued, the delta {want.GetValueOrDefault(cap.Badge)}";
                return false;
            }
            if (needed > 0) topUps.Add((ctx, needed));
        }
        reason = "";
        try
        {
            // The whole dataspace or each stored range at its offset; an image read from a file is read
            // straight into the child's memory.
            foreach (var (ram, ds) in memory) delta.CopyContentTo(ds, ram.GetSpan(0, checked((int)ram.Size)));
            ApplySessionState(m);
            foreach (var (ctx, count) in topUps) ctx.Submit(count);
        }
        catch
        {
            Broken = true;
            throw;
        }
        _lastId = m.ImageId;
        _lastChecksum = delta.ManifestChecksum;
        ClockMicroseconds = m.ClockMicroseconds;
        Applied++;
        return true;
    }

    // Why the delta's structure is not the full image's, or null when only state hooks, memory, pending
    // signals and faults differ.
    private string? Differs(ImageManifest m)
    {
        if (m.SchemaId != _base.SchemaId || m.CapabilitySlots != _base.CapabilitySlots || m.InitialRamQuota != _base.InitialRamQuota || m.InitialCapQuota != _base.InitialCapQuota)
            return "the child's schema, capability slots or initial quota changed";
        if (!m.Capabilities.SequenceEqual(_base.Capabilities)) return "the capability space changed (objects created, freed or moved)";
        static IEnumerable<KeyValuePair<string, string>> Stable(Dictionary<string, string> metadata) =>
            metadata.Where(p => !p.Key.StartsWith(PendingFaults.Prefix, StringComparison.Ordinal)).OrderBy(p => p.Key, StringComparer.Ordinal);
        if (!Stable(m.Metadata).SequenceEqual(Stable(_base.Metadata))) return "the image's metadata (program, handlers, ROM modules) changed";
        if (m.Sessions.Count != _base.Sessions.Count) return "sessions were opened or closed";
        var now = Describe(_host, m);
        foreach (var (badge, record) in _records)
            if (!now.TryGetValue(badge, out var other) || other != record) return $"session {badge}: its recorded creations or settings changed";
        return null;
    }

    private static Dictionary<long, string> Describe(ComponentHost host, ImageManifest m)
    {
        var registry = host.Parent.Recorders ?? throw new InvalidOperationException("the host records no sessions");
        var records = new Dictionary<long, string>();
        foreach (var s in m.Sessions)
        {
            var reader = new StateReader(s.State);
            var state = registry.GetReplayer(s.Service).Read(ref reader);
            records[s.Badge] = $"{s.Service}|{s.Label}|{s.RamQuota}|{s.CapQuota}|{string.Join(',', s.Extra.OrderBy(e => e.Key, StringComparer.Ordinal))}|{state.ToRecord().Describe()}";
        }
        return records;
    }

    // Hook state of every session and object, then page faults.
    private void ApplySessionState(ImageManifest m)
    {
        var pd = Child.Env.Domain;
        var registry = _host.Parent.Recorders!;
        var context = new InPlaceContext(pd, _badges);
        var sessions = _host.Parent.SessionsOf(pd).ToDictionary(s => s.Badge);
        // Hooks in restore order, as the restorer runs them.
        foreach (var s in m.Sessions.Select((s, i) => (s, i)).OrderBy(x => registry.GetReplayer(x.s.Service).RestoreOrder).ThenBy(x => x.i).Select(x => x.s))
        {
            var replayer = registry.GetReplayer(s.Service);
            var reader = new StateReader(s.State);
            var state = replayer.Read(ref reader);
            if (!_badges.TryGetValue(s.Badge, out long badge) || !sessions.TryGetValue(badge, out var entry))
                throw new Restore.RestoreException($"session {s.Badge} ({s.Service}) has no capability in the staged child");
            var hooks = replayer.GetType().GetMethod("RestoreHooks", BindingFlags.Public | BindingFlags.Static)
                ?? throw new Restore.RestoreException($"the replayer of {s.Service} has no RestoreHooks");
            try
            {
                hooks.Invoke(null, [state, entry.Session, context]);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                throw new Restore.RestoreException($"putting back the state of {s.Service} session {s.Badge} failed: {ex.InnerException.Message}", ex.InnerException);
            }
        }
        foreach (var cap in _base.Capabilities)
            if (_badges.TryGetValue(cap.Badge, out long badge) && _host.Kernel.Objects.TryGet(badge, out var obj) && obj is IRegionMap map)
                map.Map().RestoreState(new RegionMapState(FaultType.None, 0));
        PendingFaults.Restore(m, _badges, _host.Kernel);
    }

    // Translation for hooks applied in place: every object is already in the child's capability space at
    // its old index, so nothing is installed.
    private sealed class InPlaceContext(ProtectionDomain client, IReadOnlyDictionary<long, long> badges) : IReplayContext
    {
        public ProtectionDomain Client { get; } = client;

        public void MapBadge(long oldBadge, long newBadge) =>
            throw new InvalidOperationException("applying a delta in place creates no objects");

        public Cap<T> Translate<T>(long oldBadge) where T : class
        {
            if (oldBadge == 0) return Cap<T>.Invalid;
            if (!badges.TryGetValue(oldBadge, out long badge)) throw new MissingObjectException(oldBadge, "applying a delta in place");
            foreach (var (index, b) in Client.Caps.Snapshot())
                if (b == badge) return new Cap<T>(index);
            throw new MissingObjectException(oldBadge, "applying a delta in place");
        }

        public long BadgeOf<T>(Cap<T> cap) where T : class => Client.BadgeOf(cap);

        public T Resolve<T>(Cap<T> cap) where T : class => Client.Invoke(cap);
    }
}
