using System.Runtime.InteropServices;
using Rtcr.Memory;
using Rtcr.Recording;
using Rtcr.Services;
using Rtcr.Tracking;

namespace Rtcr.Checkpoint;

/// <summary>
/// Takes checkpoints of a child: freeze it at handler/step boundaries, read its capability space,
/// capture every intercepted session's state model, copy every RAM dataspace, note pending signals,
/// thaw. The child carries on undisturbed afterwards. Every lookup is by badge in a dictionary, so
/// the work is linear in the number of objects (the original compared lists pairwise).
/// </summary>
public sealed class Checkpointer(Parent parent, IObjectInspector inspector)
{
    /// <summary>The parent whose sessions are read.</summary>
    public Parent Parent { get; } = parent;

    /// <summary>Time the child spent frozen during the last checkpoint.</summary>
    public TimeSpan LastPauseTime { get; private set; }

    /// <summary>Checkpoints <paramref name="child"/> into a full image.</summary>
    /// <param name="child">The child's protection domain.</param>
    /// <param name="metadata">Host facts stored with the image (program name, options …).</param>
    /// <param name="initialRamQuota">RAM quota the child's PD was created with.</param>
    /// <param name="initialCapQuota">Capability quota the child's PD was created with.</param>
    /// <exception cref="CheckpointException">A session is not recorded or a state could not be captured.</exception>
    public CheckpointImage Checkpoint(ProtectionDomain child, IReadOnlyDictionary<string, string> metadata, long initialRamQuota, long initialCapQuota) =>
        Checkpoint(child, new CheckpointOptions { Metadata = metadata, InitialRamQuota = initialRamQuota, InitialCapQuota = initialCapQuota });

    /// <summary>
    /// Checkpoints <paramref name="child"/>: a full image, or with <see cref="CheckpointOptions.DeltaOf"/>
    /// a delta that carries sessions and capabilities in full and, of each tracked dataspace, only the
    /// designated dataspaces written (or accessed) since the parent image.
    /// </summary>
    /// <exception cref="CheckpointException">A session is not recorded or a state could not be captured.</exception>
    public CheckpointImage Checkpoint(ProtectionDomain child, CheckpointOptions options)
    {
        ArgumentNullException.ThrowIfNull(child);
        ArgumentNullException.ThrowIfNull(options);
        var sessions = Parent.SessionsOf(child);
        foreach (var s in sessions)
            if (s.Recorder is null)
                throw new CheckpointException($"session '{s.Service}' ({s.Args.Label}) of '{child.Label}' is not recorded: create the parent with a RecorderRegistry that knows this service");

        // Destination buffers are allocated and backed before the pause, so the pause is the copy alone.
        var buffers = PrepareBuffers(child, delta: options.DeltaOf is not null);
        // The schema id reflects over every session interface the first time a registry is asked: not in the pause.
        ulong schema = SchemaId.Of(Parent.Recorders!);
        options.Faults.Reach(Faults.FaultPoint.CheckpointPrepared, child);

        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        // Only this child's timers are held: a slow or stuck pause must not stop the other children's ticks.
        child.Kernel.Timers.Hold(child);
        try
        {
            child.Freeze(options.PauseTimeout);
        }
        catch
        {
            // Timed out: the freeze was undone, the child runs on; no image.
            child.Kernel.Timers.Release(child);
            LastPauseTime = System.Diagnostics.Stopwatch.GetElapsedTime(started);
            throw;
        }
        CheckpointImage image;
        try
        {
            options.Faults.Reach(Faults.FaultPoint.CheckpointFrozen, child);
            image = Capture(child, sessions, options, buffers, schema);
            options.FrozenMetadata?.Invoke(image.Manifest.Metadata);
        }
        catch (Exception ex) when (ex is not CheckpointException)
        {
            ReturnUnused(buffers, []);
            throw new CheckpointException($"checkpoint of '{child.Label}' failed: {ex.Message}", ex);
        }
        finally
        {
            child.Thaw();
            child.Kernel.Timers.Release(child);
            LastPauseTime = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        }
        return image;
    }

    // Sized from the dataspaces the child holds capabilities to: a cheap walk that needs no state
    // capture. A dataspace found only later, in the frozen capture, gets its buffer there. For a
    // delta, a tracked dataspace gets a buffer for what is dirty now plus room for what the child
    // dirties before the freeze; more is allocated in the pause only if it writes faster than that.
    private Dictionary<DataspaceMemory, byte[]> PrepareBuffers(ProtectionDomain child, bool delta)
    {
        var buffers = new Dictionary<DataspaceMemory, byte[]>(ReferenceEqualityComparer.Instance);
        foreach (var (_, badge) in child.Caps.Snapshot())
        {
            if (!child.Kernel.Objects.TryGet(badge, out var obj) || inspector.MemoryOf(obj) is not { } memory || buffers.ContainsKey(memory)) continue;
            if (memory.ContentRam is not { } ram || ram.IsFreed || ram.Size > Array.MaxLength) continue;
            if (delta && memory is TrackedDataspace tracked)
            {
                buffers[memory] = tracked.LendDeltaBuffer(Math.Min(ram.Size, tracked.DirtyBytes + tracked.DirtyBytes / 4 + TrackingOptions.SmallestGranularity));
                continue;
            }
            var buffer = buffers[memory] = FullBufferPool.Lend(memory, (int)ram.Size, out bool fresh);
            // The first copy between a new buffer and memory the copy never touched took 3-4 ms per MiB
            // on the VMs measured (after MADV_POPULATE_WRITE, without a page fault the guest sees; later
            // copies 0.1 ms): a throwaway copy now moves that out of the first pause. The pause copies again.
            if (fresh && !ram.TryCopyWhileOwned(buffer)) Array.Clear(buffer);
        }
        return buffers;
    }

    private CheckpointImage Capture(ProtectionDomain child, IReadOnlyList<SessionEntry> sessions, CheckpointOptions options, Dictionary<DataspaceMemory, byte[]> buffers, ulong schema)
    {
        var delta = options.DeltaOf;
        var objects = child.Kernel.Objects;
        var manifest = new ImageManifest
        {
            SchemaId = schema,
            Label = child.Label,
            Metadata = new Dictionary<string, string>(options.Metadata),
            ClockMicroseconds = child.Kernel.Clock.NowMicroseconds,
            CapabilitySlots = child.Caps.Capacity,
            InitialRamQuota = options.InitialRamQuota,
            InitialCapQuota = options.InitialCapQuota,
            ImageId = Guid.NewGuid().ToString("N"),
            LineageId = options.LineageId ?? Guid.NewGuid().ToString("N"),
            ParentImageId = delta?.ImageId,
            ParentManifestChecksum = delta?.ManifestChecksum ?? 0,
            ParentFileName = delta?.FileName,
            ChainDepth = delta is null ? 0 : delta.ChainDepth + 1,
        };

        foreach (var (index, badge) in child.Caps.Snapshot())
        {
            string type = objects.TryGet(badge, out var obj) ? inspector.Describe(obj) : "stale";
            manifest.Capabilities.Add(new CapabilityImage(index, badge, type));
        }

        // Every object any session created, by badge: dataspaces and signal contexts are found here.
        var created = new Dictionary<long, object>();
        var records = new List<SessionRecord>(sessions.Count);
        foreach (var s in sessions)
        {
            var state = s.Recorder!.Capture();
            var paid = Parent.PaidUpgrades(s.Badge);
            var writer = new StateWriter();
            state.Write(writer);
            manifest.Sessions.Add(new SessionImage(s.Service, s.Badge, s.Args.Label, s.Args.RamQuota, s.Args.CapQuota,
                new Dictionary<string, string>(s.Args.Extra), writer.ToArray())
            {
                PaidRam = paid.Ram,
                PaidCaps = paid.Caps,
            });
            records.Add(state.ToRecord());
            foreach (var record in records[^1].Objects) Collect(record, objects, created);
        }
        ReferenceCheck.Verify(child.Label, records, created, sessions);

        var contents = new Dictionary<long, byte[]>();
        var hashes = new Dictionary<long, ulong>();
        var lent = new List<(TrackedDataspace, byte[])>();
        var pooled = new List<(DataspaceMemory, byte[])>();
        foreach (var (badge, obj) in created)
        {
            if (inspector.MemoryOf(obj) is not { } memory || memory.ContentRam is not { } ram || ram.IsFreed) continue;
            long baseBadge = delta is null ? 0 : delta.BaseBadges is null ? badge : delta.BaseBadges.GetValueOrDefault(badge);
            buffers.TryGetValue(memory, out var buffer);
            if (delta is not null && memory is TrackedDataspace tracked)
            {
                long dirty = tracked.DirtyBytes;
                if (buffer is null || buffer.Length < dirty)
                {
                    if (buffer is not null) tracked.ReturnDeltaBuffer(buffer);
                    buffer = GC.AllocateUninitializedArray<byte>(checked((int)dirty)); // it wrote faster than estimated
                }
                var ranges = tracked.CopyDirtyAndRearm(buffer);
                manifest.Dataspaces.Add(new DataspaceImage(badge, ram.Size) { Ranges = [.. ranges], BaseBadge = baseBadge });
                // The lent buffer itself, possibly longer than the delta: no second copy, no fresh memory.
                contents[badge] = buffer;
                lent.Add((tracked, buffer));
                continue;
            }
            if (memory is not TrackedDataspace && options.HashUntracked)
            {
                // Untracked (ROM modules, RAM of other sessions): stored again only when its content changed.
                ulong hash = System.IO.Hashing.XxHash3.HashToUInt64(ram.GetSpan(0, (int)ram.Size));
                hashes[badge] = hash;
                if (delta?.ContentHashes is { } known && known.TryGetValue(baseBadge, out ulong before) && before == hash)
                {
                    manifest.Dataspaces.Add(new DataspaceImage(badge, ram.Size) { Ranges = [], BaseBadge = baseBadge });
                    contents[badge] = [];
                    continue;
                }
            }
            if (buffer is null || buffer.Length != ram.Size) buffers[memory] = buffer = FullBufferPool.Lend(memory, checked((int)ram.Size)); // found only now
            if (memory is TrackedDataspace full) full.CopyAllAndRearm(buffer);
            else ram.CopyTo(buffer);
            manifest.Dataspaces.Add(new DataspaceImage(badge, ram.Size) { BaseBadge = baseBadge });
            contents[badge] = buffer;
            pooled.Add((memory, buffer));
        }
        ReturnUnused(buffers, pooled);

        var contextBadges = new Dictionary<Execution.SignalContext, long>(ReferenceEqualityComparer.Instance);
        foreach (var (badge, obj) in created)
            if (inspector.SignalContextOf(obj) is { } ctx) contextBadges[ctx] = badge;
        if (child.Entrypoint is { } ep)
            foreach (var (context, count) in ep.PendingSignals())
            {
                if (!contextBadges.TryGetValue(context, out long badge))
                    throw new CheckpointException($"a pending signal of '{child.Label}' targets handler '{context.Handler}', whose context no recorded session created");
                manifest.PendingSignals.Add(new PendingSignalImage(badge, count));
            }

        return new CheckpointImage(manifest, contents) { ContentHashes = hashes, LentBuffers = lent, PooledBuffers = pooled };
    }

    // Full-copy buffers lent for dataspaces the image did not copy (unchanged, freed, or not the
    // child's) go straight back to the pool.
    private static void ReturnUnused(Dictionary<DataspaceMemory, byte[]> buffers, List<(DataspaceMemory Memory, byte[] Buffer)> used)
    {
        var kept = new HashSet<byte[]>(used.Count, ReferenceEqualityComparer.Instance);
        foreach (var (_, buffer) in used) kept.Add(buffer);
        foreach (var (memory, buffer) in buffers)
            if (!kept.Contains(buffer)) FullBufferPool.Return(memory, buffer); // a delta buffer is not the pool's: no-op
    }

    private static void Collect(ObjectRecord record, Capabilities.ObjectTable objects, Dictionary<long, object> into)
    {
        if (objects.TryGet(record.Badge, out var obj)) into.TryAdd(record.Badge, obj);
        foreach (var child in record.Objects) Collect(child, objects, into);
    }
}
