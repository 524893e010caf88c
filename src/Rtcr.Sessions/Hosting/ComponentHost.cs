using Rtcr.Capabilities;
using Rtcr.Checkpoint;
using Rtcr.Execution;
using Rtcr.Recording;
using Rtcr.Restore;
using Rtcr.Services;
using Rtcr.Tracking;

namespace Rtcr.Sessions;

/// <summary>
/// A parent hosting children on one kernel with core's seven services: what the <c>rtcr</c> CLI, the
/// tests and the benchmarks run components in. Counts ticks (completed handler runs of signals
/// delivered by a Timer session) per child.
/// </summary>
public sealed class ComponentHost : IDisposable
{
    private readonly List<TimerSessionComponent> _timers = new();
    private readonly Lock _lock = new();
    private readonly Dictionary<Entrypoint, long> _ticks = new();
    private readonly Dictionary<ProtectionDomain, DirtyTracker> _trackers = new();
    private readonly Dictionary<ProtectionDomain, ChainPosition> _chains = new();

    // Where a child's image chain stands: the last image taken, and how much the deltas since the
    // last full image hold.
    private sealed class ChainPosition(string lineageId)
    {
        public string LineageId { get; } = lineageId;
        public DeltaBase? Last { get; set; }
        public long DeltaBytes { get; set; }
    }

    /// <summary>Creates a host.</summary>
    /// <param name="mode">Deterministic (virtual time) or threaded (real time).</param>
    /// <param name="recorders">Records every session (needed for checkpoints); by default the generated recorders of the core sessions. Pass <see cref="NoRecording"/> to run without.</param>
    /// <param name="startMicroseconds">Initial clock value (a restore continues at the checkpoint's time).</param>
    /// <param name="log">Receives LOG lines; a collecting sink is created when null.</param>
    public ComponentHost(ExecutionMode mode = ExecutionMode.Deterministic, RecorderRegistry? recorders = null, long startMicroseconds = 0, ILogSink? log = null)
    {
        Kernel = new Kernel(mode, startMicroseconds);
        Log = log ?? new CollectingLogSink();
        Parent = new Parent(Kernel, "rtcr", ReferenceEquals(recorders, NoRecording) ? null : recorders ?? SessionRecorders.CreateRegistry());
        foreach (var service in CoreServices.Create(Log, Roms))
        {
            if (service.Name == "Timer")
                Parent.AddCoreService(new CoreService("Timer", r => Track(new TimerSessionComponent(r.Client))));
            else if (service.Name == "RAM")
                Parent.AddCoreService(new CoreService("RAM", r => new RamSessionComponent(r.Client, r.Args.Label, r.Args.RamQuota, r.Args.CapQuota, TrackerOf(r.Client))));
            else Parent.AddCoreService(service);
        }
    }

    /// <summary>Pass as recorders to run without recording (no checkpoints possible).</summary>
    public static readonly RecorderRegistry NoRecording = new();

    /// <summary>The kernel.</summary>
    public Kernel Kernel { get; }

    /// <summary>The parent (routing, session table, recording).</summary>
    public Parent Parent { get; }

    /// <summary>Where LOG lines go.</summary>
    public ILogSink Log { get; }

    /// <summary>ROM modules served to children (e.g. "config").</summary>
    public RomModules Roms { get; } = new();

    /// <summary>When incremental checkpoints are deltas and when full images.</summary>
    public IncrementalPolicy IncrementalPolicy { get; init; } = new();

    /// <summary>Starts a child running <paramref name="program"/> with <paramref name="config"/> as its ROM "config".</summary>
    public Child Start(IComponentProgram program, string config, ChildOptions? options = null)
    {
        Roms.Set("config", config);
        options ??= new ChildOptions();
        var child = ChildLauncher.CreateEnvironment(Parent, program, options, program.Name, pd => StartTracking(pd, options.Tracking));
        Watch(child.Env.Entrypoint);
        program.Construct(child.Env);
        return child;
    }

    /// <summary>Counts ticks of a child's entrypoint (called for restored children too).</summary>
    public void Watch(Entrypoint entrypoint)
    {
        lock (_lock) _ticks.TryAdd(entrypoint, 0);
        entrypoint.HandlerCompleted += (context, _) =>
        {
            if (!IsTimerContext(context)) return;
            lock (_lock) _ticks[entrypoint]++;
            TickCompleted?.Invoke(entrypoint);
        };
    }

    /// <summary>Raised on the entrypoint's thread after a tick's handler completed.</summary>
    public event Action<Entrypoint>? TickCompleted;

    /// <summary>Ticks completed by a child since it was started or restored here.</summary>
    public long Ticks(Child child)
    {
        lock (_lock) return _ticks.GetValueOrDefault(child.Env.Entrypoint);
    }

    /// <summary>
    /// Deterministic mode: advances virtual time event by event until <paramref name="child"/> has
    /// completed <paramref name="ticks"/> ticks in total, calling <paramref name="afterTick"/> after each.
    /// </summary>
    public void RunTicks(Child child, long ticks, Action<long>? afterTick = null)
    {
        long seen = Ticks(child);
        while (Ticks(child) < ticks)
        {
            if (!Kernel.AdvanceToNextEvent())
                throw new InvalidOperationException($"'{child.Label}' stopped after {Ticks(child)} of {ticks} ticks: nothing is scheduled any more");
            if (child.Env.Entrypoint.Failure is { } failure) throw new InvalidOperationException($"'{child.Label}' failed", failure);
            for (long t = Ticks(child); seen < t; seen++) afterTick?.Invoke(seen + 1);
        }
    }

    /// <summary>
    /// Checkpoints a child: the image holds its sessions, capabilities, memory and pending signals plus
    /// what this host needs to restore it (program name, options, environment capabilities, ROM modules).
    /// </summary>
    public CheckpointImage Checkpoint(Child child) => Checkpoint(child, incremental: false);

    /// <summary>
    /// Checkpoints a child; with <paramref name="incremental"/> and a tracked child the image is a
    /// delta of the previous one unless <see cref="IncrementalPolicy"/> asks for a full image (or
    /// there is no previous image). Every image of a child shares its lineage id.
    /// </summary>
    /// <param name="child">The child.</param>
    /// <param name="incremental">Whether a delta may be taken.</param>
    /// <param name="fileName">The file name the image will be written as (a delta names its parent's, to find it fast).</param>
    public CheckpointImage Checkpoint(Child child, bool incremental, string? fileName = null)
    {
        var pd = child.Env.Domain;
        ChainPosition chain;
        lock (_lock)
        {
            if (!_chains.TryGetValue(pd, out chain!)) _chains[pd] = chain = new ChainPosition(Guid.NewGuid().ToString("N"));
        }
        DeltaBase? deltaOf = null;
        if (incremental && TrackerOf(pd) is { } tracker && chain.Last is { } last)
        {
            long memory = tracker.Dataspaces.Sum(d => d.Size);
            bool tooLong = last.ChainDepth + 1 > IncrementalPolicy.MaxChainLength;
            bool tooBig = chain.DeltaBytes + tracker.DirtyBytes > IncrementalPolicy.MaxDeltaShare * memory;
            if (!tooLong && !tooBig) deltaOf = last;
        }
        var checkpointer = new Checkpointer(Parent, SessionInspector.Instance);
        var metadata = new Dictionary<string, string>
        {
            ["program"] = child.Program.Name,
            ["env.pd"] = child.Env.Caps.Pd.Index.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["env.ram"] = child.Env.Caps.Ram.Index.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["env.cpu"] = child.Env.Caps.Cpu.Index.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["env.rm"] = child.Env.Caps.Rm.Index.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var name in Roms.Names)
            if (Roms.TryGet(name, out var content)) metadata["rom:" + name] = Convert.ToBase64String(content);
        var image = checkpointer.Checkpoint(pd, new CheckpointOptions
        {
            Metadata = metadata,
            InitialRamQuota = child.Options.RamQuota,
            InitialCapQuota = child.Options.CapQuota,
            LineageId = chain.LineageId,
            DeltaOf = deltaOf,
        });
        LastPauseTime = checkpointer.LastPauseTime;
        chain.DeltaBytes = deltaOf is null ? 0 : chain.DeltaBytes + image.MemoryBytes;
        chain.Last = DeltaBase.Of(image, fileName);
        return image;
    }

    /// <summary>
    /// Makes the next incremental checkpoint of <paramref name="child"/> a full image (the last image
    /// could not be written, so a delta of it could never be restored).
    /// </summary>
    public void BreakChain(Child child)
    {
        lock (_lock)
            if (_chains.TryGetValue(child.Env.Domain, out var chain)) chain.Last = null;
    }

    /// <summary>The dirty tracker of a tracked child, or null when its RAM is not tracked.</summary>
    public DirtyTracker? TrackerOf(Child child) => TrackerOf(child.Env.Domain);

    private DirtyTracker? TrackerOf(ProtectionDomain pd)
    {
        lock (_lock) return _trackers.GetValueOrDefault(pd);
    }

    private void StartTracking(ProtectionDomain pd, TrackingOptions? tracking)
    {
        if (tracking is null) return;
        var tracker = new DirtyTracker(Kernel, pd.Label, tracking);
        lock (_lock) _trackers[pd] = tracker;
    }

    /// <summary>How long the child was frozen during the last <see cref="Checkpoint(Child)"/>.</summary>
    public TimeSpan LastPauseTime { get; private set; }

    /// <summary>
    /// Restores a child from an image into this host: an empty PD and entrypoint, sessions and objects
    /// replayed, memory and capabilities put back, code re-bound by handler name, then resumed.
    /// </summary>
    /// <param name="image">A validated image.</param>
    /// <param name="programs">Finds the component's code by the program name stored in the image.</param>
    public Child Restore(CheckpointImage image, Func<string, IComponentProgram> programs) => Restore(image, programs, tracking: null);

    /// <summary>
    /// Restores a child; with <paramref name="tracking"/> its RAM is tracked again and, when
    /// <paramref name="continueChainAs"/> names the image's file, its next incremental checkpoint is a
    /// delta of that image (the chain goes on across the restore).
    /// </summary>
    /// <param name="image">A validated full image (a chain folded by <see cref="Image.ImageChain.Load"/>).</param>
    /// <param name="programs">Finds the component's code by the program name stored in the image.</param>
    /// <param name="tracking">Dirty tracking for the restored child, or null.</param>
    /// <param name="continueChainAs">File name of the image restored from, when deltas should continue its chain.</param>
    /// <param name="resume">False leaves the restored child frozen (one <see cref="ProtectionDomain.Freeze"/> the caller undoes with <see cref="ProtectionDomain.Thaw"/>): a migration target holds it until the source has stopped its copy.</param>
    public Child Restore(CheckpointImage image, Func<string, IComponentProgram> programs, TrackingOptions? tracking, string? continueChainAs = null, bool resume = true)
    {
        var m = image.Manifest;
        if (Kernel.Clock.NowMicroseconds < m.ClockMicroseconds && Kernel.Clock.IsVirtual)
            throw new RestoreException($"this kernel's clock ({Kernel.Clock.NowMicroseconds} us) is behind the image ({m.ClockMicroseconds} us); create the host with startMicroseconds = the image's clock");
        var program = programs(Meta(m, "program"));
        var envCaps = new EnvCaps(Cap<IPdSession>.FromIndex(MetaInt(m, "env.pd")), Cap<IRamSession>.FromIndex(MetaInt(m, "env.ram")),
            Cap<ICpuSession>.FromIndex(MetaInt(m, "env.cpu")), Cap<IRmSession>.FromIndex(MetaInt(m, "env.rm")));
        // The image carries the ROM modules the child saw; they replace this host's, so the restored
        // ROM sessions hand out exactly the checkpointed content (the original Rtcr never restored ROM).
        foreach (var (key, value) in m.Metadata)
            if (key.StartsWith("rom:", StringComparison.Ordinal))
                Roms.Set(key[4..], Convert.FromBase64String(value));

        var options = new ChildOptions { RamQuota = m.InitialRamQuota, CapQuota = m.InitialCapQuota, CapSlots = m.CapabilitySlots, Tracking = tracking };
        var pd = Kernel.CreateProtectionDomain(m.Label, m.CapabilitySlots, m.InitialRamQuota, m.InitialCapQuota);
        pd.Entrypoint = Kernel.CreateEntrypoint(m.Label);
        StartTracking(pd, tracking);
        // Code first: replay creates threads by program name and requeues signals to named handlers.
        var env = new Env(Parent, pd, pd.Entrypoint, envCaps);
        program.Register(env);
        RestoreResult result;
        try
        {
            result = new Restorer(Parent, SessionInspector.Instance).Restore(image, pd);
        }
        catch
        {
            Kernel.DestroyEntrypoint(pd.Entrypoint);
            DirtyTracker? tracker;
            lock (_lock) _trackers.Remove(pd, out tracker);
            tracker?.Dispose();
            throw;
        }
        if (!string.IsNullOrEmpty(m.LineageId))
        {
            // Deltas of the restored child name the image's dataspaces by their badges in the image.
            var baseBadges = new Dictionary<long, long>();
            foreach (var ds in m.Dataspaces)
                if (result.Badges.TryGetValue(ds.Badge, out long now)) baseBadges[now] = ds.Badge;
            var chain = new ChainPosition(m.LineageId);
            if (continueChainAs is not null && !string.IsNullOrEmpty(m.ImageId))
                chain.Last = new DeltaBase(m.ImageId, image.ManifestChecksum, m.ChainDepth, continueChainAs, baseBadges);
            lock (_lock) _chains[pd] = chain;
        }
        Watch(pd.Entrypoint);
        if (resume) pd.Thaw();
        return new Child(program, env, options);
    }

    private static string Meta(ImageManifest m, string key) =>
        m.Metadata.TryGetValue(key, out var v) ? v : throw new RestoreException($"image of '{m.Label}' lacks '{key}'; it was not written by a component host");

    private static int MetaInt(ImageManifest m, string key) =>
        int.TryParse(Meta(m, key), System.Globalization.CultureInfo.InvariantCulture, out int v) ? v : throw new RestoreException($"image of '{m.Label}': '{key}' is not a number");

    private bool IsTimerContext(SignalContext context)
    {
        lock (_lock)
            foreach (var timer in _timers)
                if (timer.Handler == context) return true;
        return false;
    }

    /// <summary>The timer sessions serving <paramref name="client"/>, in creation order.</summary>
    public IReadOnlyList<TimerSessionComponent> TimersOf(ProtectionDomain client)
    {
        lock (_lock) return _timers.Where(t => t.Client == client).ToArray();
    }

    private TimerSessionComponent Track(TimerSessionComponent timer)
    {
        lock (_lock) _timers.Add(timer);
        return timer;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Kernel.Dispose();
        DirtyTracker[] trackers;
        lock (_lock)
        {
            trackers = _trackers.Values.ToArray();
            _trackers.Clear();
        }
        foreach (var t in trackers) t.Dispose();
    }
}
