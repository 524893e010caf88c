using Rtcr.Checkpoint;
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

    /// <summary>Restores <paramref name="image"/> into <paramref name="child"/>, an empty PD (with an entrypoint, without sessions).</summary>
    /// <exception cref="StateFormatException">A session state is corrupt, or was recorded by a shape of its interface this build cannot read.</exception>
    /// <exception cref="RestoreException">Restore failed midway; what it created is gone again.</exception>
    public RestoreResult Restore(CheckpointImage image, ProtectionDomain child)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(child);
        var registry = Parent.Recorders ?? throw new RestoreException("the parent records no sessions (no RecorderRegistry): a restored child could not be checkpointed again");
        var manifest = image.Manifest;
        if (Parent.SessionsOf(child).Count != 0)
            throw new RestoreException($"'{child.Label}' already has sessions; restore needs an empty child");

        // Everything that can be checked without creating objects is checked first.
        var plan = new List<(SessionImage Image, ISessionReplayer Replayer, ISessionState State)>();
        foreach (var s in manifest.Sessions)
        {
            ISessionReplayer replayer;
            try
            {
                replayer = registry.GetReplayer(s.Service);
            }
            catch (KeyNotFoundException ex)
            {
                throw new RestoreException($"cannot restore session '{s.Service}' ({s.Label}): {ex.Message}", ex);
            }
            // The image's schema id may differ from this build's (docs/schema-compatibility.md): each state
            // says whether this build can read it, before anything is created.
            var reader = new StateReader(s.State);
            plan.Add((s, replayer, replayer.Read(ref reader)));
        }
        if (image.IsDelta || manifest.Dataspaces.Any(d => d.Ranges is not null))
            throw new RestoreException($"image {manifest.ImageId} of '{manifest.Label}' is a delta: load its chain with ImageChain.Load, which folds it into a full image");
        foreach (var ds in manifest.Dataspaces)
            if (!image.Contents.TryGetValue(ds.Badge, out var content) || content.Length != ds.Size)
                throw new RestoreException($"image lacks the content of dataspace {ds.Badge} ({ds.Size} bytes)");

        child.Freeze();
        // Replayed timer programming must not fire before the hooks put back the exact due times.
        child.Kernel.Timers.Hold();
        var context = new ReplayContext(child);
        var created = new List<SessionEntry>();
        try
        {
            var ordered = plan.Select((p, i) => (p, i)).OrderBy(x => x.p.Replayer.RestoreOrder).ThenBy(x => x.i).Select(x => x.p).ToList();
            var live = new List<(SessionEntry Entry, ISessionReplayer Replayer, ISessionState State)>();
            foreach (var (img, replayer, state) in ordered)
            {
                var args = new SessionArgs(img.Label, img.RamQuota, img.CapQuota) { Extra = new SortedDictionary<string, string>(img.Extra, StringComparer.Ordinal) };
                var entry = Parent.CreateSession(child, img.Service, args, replayer.SessionInterface);
                created.Add(entry);
                context.MapBadge(img.Badge, entry.Badge);
                live.Add((entry, replayer, state));
            }
            foreach (var (entry, replayer, state) in live) replayer.ReplayCreations(state, entry.Session, context);
            foreach (var (entry, replayer, state) in live) replayer.ReplaySettings(state, entry.Session, context);
            foreach (var (entry, _, state) in live)
            {
                // The client paid for these upgrades before the checkpoint (its PD quota is restored
                // exactly); the parent must know them to refund them when the session closes.
                var record = state.ToRecord();
                if (record.UpgradedRam != 0 || record.UpgradedCaps != 0) Parent.NoteUpgrade(entry.Badge, record.UpgradedRam, record.UpgradedCaps);
            }

            var objects = child.Kernel.Objects;
            foreach (var ds in manifest.Dataspaces)
            {
                long badge = context.NewBadge(ds.Badge, $"restoring the content of dataspace {ds.Badge}");
                if (!objects.TryGet(badge, out var obj) || inspector.MemoryOf(obj) is not { ContentRam: { } ram } memory)
                    throw new RestoreException($"dataspace {ds.Badge} was recreated as badge {badge}, which is not a RAM dataspace");
                if (ram.Size != ds.Size)
                    throw new RestoreException($"dataspace {ds.Badge} was recreated with {ram.Size} bytes, the image has {ds.Size}");
                image.Contents[ds.Badge].CopyTo(ram.GetSpan(0, (int)ram.Size));
                // Filled behind the tracking's back: the content equals the image, so nothing is dirty.
                (memory as Tracking.TrackedDataspace)?.Rearm();
            }

            child.Caps.Clear();
            var indexOf = new Dictionary<long, int>();
            foreach (var cap in manifest.Capabilities)
            {
                long badge = context.NewBadge(cap.Badge, $"capability slot {cap.Index} ({cap.Type})");
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
            child.Kernel.Timers.Release();
        }
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
