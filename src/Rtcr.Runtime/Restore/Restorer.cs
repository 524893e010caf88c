using Rtcr.Checkpoint;
using Rtcr.Faults;
using Rtcr.Image;
using Rtcr.Memory;
using Rtcr.Recording;
using Rtcr.Services;

namespace Rtcr.Restore;

/// <summary>
/// Rebuilds a child from a <see cref="CheckpointImage"/> into an empty protection domain: recreate its
/// sessions through the parent's routing (in restore order), replay the RPC objects they created,
/// re-apply recorded settings and hook state, refill dataspaces, rebuild the capability space with
/// the new capabilities at the old indices, and requeue pending signals. The child stays frozen;
/// the caller re-binds its code and thaws it. A failure tears down everything the restore created.
/// </summary>
public sealed class Restorer(Parent parent, IObjectInspector inspector)
{
    /// <summary>The parent through which sessions are recreated.</summary>
    public Parent Parent { get; } = parent;

    /// <summary>Fault injection (tests): asked at <see cref="FaultPoint.RestoreSessions"/>, <see cref="FaultPoint.RestoreReplay"/> and <see cref="FaultPoint.RestoreContent"/>.</summary>
    public IFaultInjector Faults { get; init; } = FaultInjector.None;

    private RecorderRegistry Registry() =>
        Parent.Recorders ?? throw new RestoreException("the parent records no sessions (no RecorderRegistry): a restored child could not be checkpointed again");

    /// <summary>Restores <paramref name="image"/> into <paramref name="child"/>, an empty PD (with an entrypoint, without sessions).</summary>
    /// <exception cref="ImageFormatException">The manifest is damaged, or a session state is corrupt or was recorded by a shape of its interface this build cannot read.</exception>
    /// <exception cref="RestoreException">Restore failed midway; what it created is gone again.</exception>
    public RestoreResult Restore(CheckpointImage image, ProtectionDomain child)
    {
        ArgumentNullException.ThrowIfNull(image);
        // Everything that can be checked without creating objects is checked first.
        return Restore(ManifestValidator.Validate(image, Registry()), child);
    }

    /// <summary>Restores the image of <paramref name="validated"/>, checked already (<see cref="ManifestValidator.Validate"/>), into <paramref name="child"/>.</summary>
    /// <exception cref="RestoreException">The plan was validated against another registry than the parent's, or restore failed midway; what it created is gone again.</exception>
    public RestoreResult Restore(RestorePlan validated, ProtectionDomain child)
    {
        ArgumentNullException.ThrowIfNull(validated);
        ArgumentNullException.ThrowIfNull(child);
        if (!ReferenceEquals(validated.Registry, Registry()))
            throw new RestoreException("the restore plan was validated against another recorder registry than the parent's");
        var image = validated.Image;
        var plan = validated.Sessions;
        var manifest = image.Manifest;
        if (Parent.SessionsOf(child).Count != 0)
            throw new RestoreException($"'{child.Label}' already has sessions; restore needs an empty child");

        if (image.IsDelta || manifest.Dataspaces.Any(d => d.Ranges is not null))
            throw new RestoreException($"image {manifest.ImageId} of '{manifest.Label}' is a delta: load its chain with ImageChain.Load, which folds it into a full image");
        foreach (var ds in manifest.Dataspaces)
            if (!image.HasContent(ds))
                throw new RestoreException($"image lacks the content of dataspace {ds.Badge} ({ds.Size} bytes)");

        child.Freeze();
        // Replayed timer programming must not fire before the hooks put back the exact due times.
        child.Kernel.Timers.Hold(child); // the child's timers only: other children keep their ticks
        var context = new ReplayContext(child, manifest.Capabilities.Count) { ImageClockMicroseconds = manifest.ClockMicroseconds };
        child.Kernel.Objects.EnsureCapacity(manifest.Capabilities.Count);
        var created = new List<SessionEntry>();
        try
        {
            var ordered = plan.Select((p, i) => (p, i)).OrderBy(x => x.p.Replayer.RestoreOrder).ThenBy(x => x.i).Select(x => x.p).ToList();
            var live = new List<(SessionEntry Entry, ISessionReplayer Replayer, ISessionState State, SessionImage Image)>();
            Faults.Reach(FaultPoint.RestoreSessions, child);
            foreach (var (img, replayer, state) in ordered)
            {
                var args = new SessionArgs(img.Label, img.RamQuota, img.CapQuota) { Extra = new SortedDictionary<string, string>(img.Extra, StringComparer.Ordinal) };
                var entry = Parent.CreateSession(child, img.Service, args, replayer.SessionInterface);
                created.Add(entry);
                context.MapBadge(img.Badge, entry.Badge);
                live.Add((entry, replayer, state, img));
            }
            foreach (var (entry, replayer, state, _) in live)
            {
                replayer.ReplayCreations(state, entry.Session, context);
                Faults.Reach(FaultPoint.RestoreReplay, entry.Service);
            }
            foreach (var (entry, replayer, state, _) in live) replayer.ReplaySettings(state, entry.Session, context);
            foreach (var (entry, _, state, img) in live)
            {
                // The client paid for these upgrades before the checkpoint (its PD quota is restored
                // exactly); the parent must know them to refund them when the session closes. Quota a
                // transfer moved into the session is recorded as an upgrade too, but was never the client's.
                var (ram, caps) = img.PaidRam is { } paidRam && img.PaidCaps is { } paidCaps ? (paidRam, paidCaps) : Upgrades(state);
                if (ram != 0 || caps != 0) Parent.NoteUpgrade(entry.Badge, ram, caps);
            }

            var objects = child.Kernel.Objects;
            foreach (var ds in manifest.Dataspaces)
            {
                Faults.Reach(FaultPoint.RestoreContent, ds.Badge);
                long badge = context.NewBadge(ds.Badge, $"restoring the content of dataspace {ds.Badge}");
                if (!objects.TryGet(badge, out var obj) || inspector.MemoryOf(obj) is not { ContentRam: { } ram } memory)
                    throw new RestoreException($"dataspace {ds.Badge} was recreated as badge {badge}, which is not a RAM dataspace");
                if (ram.Size != ds.Size)
                    throw new RestoreException($"dataspace {ds.Badge} was recreated with {ram.Size} bytes, the image has {ds.Size}");
                image.CopyContentTo(ds, ram.GetSpan(0, (int)ram.Size)); // straight from the file when read from one
                // Filled behind the tracking's back: the content equals the image, so nothing is dirty.
                (memory as Tracking.TrackedDataspace)?.Rearm();
            }

            child.Caps.Clear();
            var indexOf = new Dictionary<long, int>(manifest.Capabilities.Count);
            foreach (var cap in manifest.Capabilities)
            {
                if (!context.TryNewBadge(cap.Badge, out long badge)) throw new MissingObjectException(cap.Badge, $"capability slot {cap.Index} ({cap.Type})");
                child.Caps.AllocateAt(cap.Index, badge);
                indexOf.TryAdd(badge, cap.Index);
            }
            foreach (var entry in created)
                if (indexOf.TryGetValue(entry.Badge, out int index)) Parent.Relocate(child, entry.Badge, index);

            foreach (var signal in manifest.PendingSignals)
            {
                long badge = context.NewBadge(signal.ContextBadge, "requeueing a pending signal");
                if (!objects.TryGet(badge, out var obj) || inspector.SignalContextOf(obj) is not { } ctx)
                    throw new RestoreException($"pending signal targets badge {badge}, which is not a signal context");
                ctx.Submit(signal.Count);
            }
            return new RestoreResult(Parent.SessionsOf(child), context.Badges);
        }
        catch (Exception ex)
        {
            TearDown(child, context);
            if (ex is RestoreException) throw;
            throw new RestoreException($"restore of '{manifest.Label}' failed and was rolled back: {ex.Message}", ex);
        }
        finally
        {
            child.Kernel.Timers.Release(child);
        }
    }

    // A generated state holds its upgrades: building its canonical record (a string per argument of every
    // recorded call) just to read them was a second copy of the whole state per restore.
    private static (long Ram, long Caps) Upgrades(ISessionState state)
    {
        if (state is RecordedSessionState recorded) return (recorded.UpgradedRam, recorded.UpgradedCaps);
        var record = state.ToRecord();
        return (record.UpgradedRam, record.UpgradedCaps);
    }

    private void TearDown(ProtectionDomain child, ReplayContext context)
    {
        foreach (var t in child.Threads)
        {
            child.RemoveThread(t);
            child.Kernel.DestroyThread(t);
        }
        Parent.CloseAll(child);
        foreach (long badge in context.Badges.Values) child.Kernel.Objects.Remove(badge);
        child.Caps.Clear();
    }
}
