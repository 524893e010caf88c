using System.Runtime.InteropServices;
using Rtcr.Memory;
using Rtcr.Recording;
using Rtcr.Services;

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

    /// <summary>Checkpoints <paramref name="child"/>.</summary>
    /// <param name="child">The child's protection domain.</param>
    /// <param name="metadata">Host facts stored with the image (program name, options …).</param>
    /// <param name="initialRamQuota">RAM quota the child's PD was created with.</param>
    /// <param name="initialCapQuota">Capability quota the child's PD was created with.</param>
    /// <param name="frozenMetadata">Adds host facts that must be read while the child is frozen (e.g. pending fault states).</param>
    /// <exception cref="CheckpointException">A session is not recorded or a state could not be captured.</exception>
    public CheckpointImage Checkpoint(ProtectionDomain child, IReadOnlyDictionary<string, string> metadata, long initialRamQuota, long initialCapQuota,
        Action<IDictionary<string, string>>? frozenMetadata = null)
    {
        ArgumentNullException.ThrowIfNull(child);
        var sessions = Parent.SessionsOf(child);
        foreach (var s in sessions)
            if (s.Recorder is null)
                throw new CheckpointException($"session '{s.Service}' ({s.Args.Label}) of '{child.Label}' is not recorded: create the parent with a RecorderRegistry that knows this service");

        // Destination buffers are allocated and backed before the pause, so the pause is the copy alone.
        var buffers = PrepareBuffers(child);

        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        child.Kernel.Timers.Hold();
        child.Freeze();
        try
        {
            var image = Capture(child, sessions, metadata, initialRamQuota, initialCapQuota, buffers);
            frozenMetadata?.Invoke(image.Manifest.Metadata);
            return image;
        }
        catch (Exception ex) when (ex is not CheckpointException)
        {
            throw new CheckpointException($"checkpoint of '{child.Label}' failed: {ex.Message}", ex);
        }
        finally
        {
            child.Thaw();
            child.Kernel.Timers.Release();
            LastPauseTime = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        }
    }

    // Sized from the dataspaces the child holds capabilities to: a cheap walk that needs no state
    // capture. A dataspace found only later, in the frozen capture, gets its buffer there.
    private Dictionary<RamDataspace, byte[]> PrepareBuffers(ProtectionDomain child)
    {
        var held = new List<object>();
        foreach (var (_, badge) in child.Caps.Snapshot())
            if (child.Kernel.Objects.TryGet(badge, out var obj)) held.Add(obj);
        var buffers = new Dictionary<RamDataspace, byte[]>(ReferenceEqualityComparer.Instance);
        foreach (var obj in held)
        {
            if (inspector.MemoryOf(obj) is not RamDataspace ram || ram.IsFreed || ram.Size > Array.MaxLength || buffers.ContainsKey(ram)) continue;
            var buffer = GC.AllocateUninitializedArray<byte>((int)ram.Size, pinned: true);
            unsafe
            {
                fixed (byte* p = buffer) RamDataspace.Prefault(p, buffer.Length);
            }
            buffers[ram] = buffer;
        }
        return buffers;
    }

    private CheckpointImage Capture(ProtectionDomain child, IReadOnlyList<SessionEntry> sessions, IReadOnlyDictionary<string, string> metadata, long ramQuota, long capQuota, Dictionary<RamDataspace, byte[]> buffers)
    {
        var objects = child.Kernel.Objects;
        var manifest = new ImageManifest
        {
            SchemaId = SchemaId.Of(Parent.Recorders!),
            Label = child.Label,
            Metadata = new Dictionary<string, string>(metadata),
            ClockMicroseconds = child.Kernel.Clock.NowMicroseconds,
            CapabilitySlots = child.Caps.Capacity,
            InitialRamQuota = ramQuota,
            InitialCapQuota = capQuota,
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
            var writer = new StateWriter();
            state.Write(writer);
            manifest.Sessions.Add(new SessionImage(s.Service, s.Badge, s.Args.Label, s.Args.RamQuota, s.Args.CapQuota,
                new Dictionary<string, string>(s.Args.Extra), writer.ToArray()));
            records.Add(state.ToRecord());
            foreach (var record in records[^1].Objects) Collect(record, objects, created);
        }
        ReferenceCheck.Verify(child.Label, records, created, sessions);

        var contents = new Dictionary<long, byte[]>();
        foreach (var (badge, obj) in created)
        {
            if (inspector.MemoryOf(obj) is not RamDataspace ram || ram.IsFreed) continue;
            manifest.Dataspaces.Add(new DataspaceImage(badge, ram.Size));
            if (!buffers.TryGetValue(ram, out var copy) || copy.Length != ram.Size)
                copy = GC.AllocateUninitializedArray<byte>(checked((int)ram.Size));
            ram.CopyTo(copy);
            contents[badge] = copy;
        }

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

        return new CheckpointImage(manifest, contents);
    }

    private static void Collect(ObjectRecord record, Capabilities.ObjectTable objects, Dictionary<long, object> into)
    {
        if (objects.TryGet(record.Badge, out var obj)) into.TryAdd(record.Badge, obj);
        foreach (var child in record.Objects) Collect(child, objects, into);
    }
}
