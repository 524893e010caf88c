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
    private readonly List<(ProtectionDomain Client, LogSessionComponent Session)> _logs = new();
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
        // A failing handler or thread stops its own child only, not the host's run of another child.
        Kernel = new Kernel(mode, startMicroseconds) { ContainFailures = true };
        Log = log ?? new CollectingLogSink();
        Parent = new Parent(Kernel, "rtcr", ReferenceEquals(recorders, NoRecording) ? null : recorders ?? SessionRecorders.CreateRegistry());
        foreach (var service in CoreServices.Create(Log, Roms))
        {
            if (service.Name == "Timer")
                Parent.AddCoreService(new CoreService("Timer", r => Track(new TimerSessionComponent(r.Client))));
            else if (service.Name == "LOG")
                Parent.AddCoreService(new CoreService("LOG", r => TrackLog(r.Client, new LogSessionComponent(r.Args.Label, Log, Kernel.Clock, LogRateLimit))));
            else if (service.Name == "RAM")
                Parent.AddCoreService(new CoreService("RAM", r => new RamSessionComponent(r.Client, r.Args.Label, r.Args.RamQuota, r.Args.CapQuota, TrackerOf(r.Client))));
            else Parent.AddCoreService(service);
        }
    }

    /// <summary>
    /// Offers a service to children and registers its generated recorders, so that its sessions are recorded,
    /// checkpointed and restorable. Call it the same way on the checkpointing and on the restoring host:
    /// <c>new ComponentHost().AddService(new CoreService("Notes", r =&gt; new NotesSession(r.Client)), Rtcr.Generated.RtcrRecorders.RegisterAll)</c>.
    /// </summary>
    /// <param name="service">The service (its <see cref="IService.Name"/> is what children request).</param>
    /// <param name="registerRecorders">Registers the generated recorders of the service's assembly (its <c>Rtcr.Generated.RtcrRecorders.RegisterAll</c>).</param>
    /// <returns>This host, for chaining.</returns>
    public ComponentHost AddService(IService service, Action<RecorderRegistry> registerRecorders)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(registerRecorders);
        if (Parent.Recorders is { } recorders) registerRecorders(recorders);
        Parent.AddCoreService(service);
        return this;
    }

    /// <summary>
    /// The most this host grants a restored child when <c>Restore</c> is given no grant (the image's own
    /// quota is then used, but never beyond this): an image asking for more RAM or capability quota
    /// or a larger capability space is refused with a <see cref="RestoreException"/>. Only
    /// <see cref="ChildOptions.RamQuota"/>, <see cref="ChildOptions.CapQuota"/> and <see cref="ChildOptions.CapSlots"/> count.
    /// </summary>
    public ChildOptions MaxRestoreGrant { get; init; } = RestoreGrant.DefaultMaximum;

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

    /// <summary>Fault injection for checkpoints and restores of this host (tests); none by default.</summary>
    public Faults.IFaultInjector Faults { get; init; } = Rtcr.Faults.FaultInjector.None;

    /// <summary>How many lines each LOG session may write (<see cref="LogRateLimit.Default"/> unless set).</summary>
    public LogRateLimit LogRateLimit { get; init; } = LogRateLimit.Default;

    /// <summary>
    /// How long a checkpoint waits for a child to reach its handler/step boundaries before it gives up
    /// with a <see cref="PauseTimeoutException"/> (the child runs on). Default <see cref="CheckpointOptions.DefaultPauseTimeout"/>.
    /// </summary>
    public TimeSpan PauseTimeout { get; init; } = CheckpointOptions.DefaultPauseTimeout;

    /// <summary>LOG lines of <paramref name="child"/> dropped by the rate limit, over all its LOG sessions.</summary>
    public long DroppedLogLines(Child child)
    {
        lock (_lock) return _logs.Where(l => l.Client == child.Env.Domain).Sum(l => l.Session.DroppedLines);
    }

    private LogSessionComponent TrackLog(ProtectionDomain client, LogSessionComponent session)
    {
        lock (_lock) _logs.Add((client, session));
        return session;
    }

    /// <summary>When incremental checkpoints are deltas and when full images.</summary>
    public IncrementalPolicy IncrementalPolicy { get; init; } = new();

    /// <summary>Starts a child running <paramref name="program"/> with <paramref name="config"/> as its ROM "config".</summary>
    public Child Start(IComponentProgram program, string config, ChildOptions? options = null)
    {
        options ??= new ChildOptions();
        var child = ChildLauncher.CreateEnvironment(Parent, program, options, program.Name, pd => StartTracking(pd, options.Tracking));
        // The config belongs to this child: another child of the host keeps its own.
        Roms.SetFor(child.Env.Domain, "config", config);
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
            foreach (var thread in child.Env.Domain.Threads)
                if (thread.Failure is { } threadFailure) throw new InvalidOperationException($"'{child.Label}' failed: thread '{thread.Name}' stopped", threadFailure);
            for (long t = Ticks(child); seen < t; seen++) afterTick?.Invoke(seen + 1);
        }
    }

    /// <summary>
    /// Checkpoints a child: the image holds its sessions, capabilities, memory and pending signals plus
    /// what this host needs to restore it (program name and version, the handler and thread-program
    /// names its code registered, options, environment capabilities, the ROM modules it sees).
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
            [ProgramIdentity.VersionKey] = child.Program.Version,
            [ProgramIdentity.HandlersKey] = ProgramIdentity.Join(child.Env.Entrypoint.HandlerNames),
            [ProgramIdentity.ProgramsKey] = ProgramIdentity.Join(pd.Programs.Keys),
            ["env.pd"] = child.Env.Caps.Pd.Index.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["env.ram"] = child.Env.Caps.Ram.Index.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["env.cpu"] = child.Env.Caps.Cpu.Index.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["env.rm"] = child.Env.Caps.Rm.Index.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var name in Roms.NamesFor(pd))
            if (Roms.TryGet(pd, name, out var content)) metadata["rom:" + name] = Convert.ToBase64String(content);
        var image = checkpointer.Checkpoint(pd, new CheckpointOptions
        {
            Metadata = metadata,
            InitialRamQuota = child.Options.RamQuota,
            InitialCapQuota = child.Options.CapQuota,
            LineageId = chain.LineageId,
            DeltaOf = deltaOf,
            HashUntracked = incremental && TrackerOf(pd) is not null,
            FrozenMetadata = PendingFaults.Capture(Kernel),
            Faults = Faults,
            PauseTimeout = PauseTimeout,
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

    private void StopTracking(ProtectionDomain pd)
    {
        DirtyTracker? tracker;
        lock (_lock) _trackers.Remove(pd, out tracker);
        tracker?.Dispose();
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
    /// <param name="grant">
    /// The quota this host grants the child. Null keeps the image's grant. A larger grant is kept: the
    /// difference is added to the restored PD's limits. A smaller one lowers them by the difference,
    /// and is refused with a <see cref="RestoreException"/> (nothing stays behind) when the child
    /// already uses more than that.
    /// </param>
    /// <param name="leaveStopped">Restore without resuming (CRIU's <c>--leave-stopped</c>); <see cref="Resume"/> lets it run. Only this child's timers are held meanwhile.</param>
    /// <exception cref="RestoreException">The code does not match the image, the grant is too small, or restore failed (rolled back).</exception>
    public Child Restore(CheckpointImage image, Func<string, IComponentProgram> programs, TrackingOptions? tracking = null, string? continueChainAs = null,
        ChildOptions? grant = null, bool leaveStopped = false)
    {
        var m = image.Manifest;
        if (Kernel.Clock.NowMicroseconds < m.ClockMicroseconds && Kernel.Clock.IsVirtual)
            throw new RestoreException($"this kernel's clock ({Kernel.Clock.NowMicroseconds} us) is behind the image ({m.ClockMicroseconds} us); create the host with startMicroseconds = the image's clock");
        // Nothing is created for an inconsistent image, nor for one that asks for more than this host grants.
        var plan = ManifestValidator.Validate(image, Parent.Recorders ?? throw new RestoreException("this host records no sessions"));
        RestorePlanCheck.Check(m, plan.Sessions);
        RestoreGrant.Check(m, grant, MaxRestoreGrant);
        var program = RestoreGrant.Program(m, programs, Meta(m, "program"));
        ProgramIdentity.CheckVersion(m, program);
        var envCaps = new EnvCaps(Cap<IPdSession>.FromIndex(EnvCap(m, "env.pd", "PD")), Cap<IRamSession>.FromIndex(EnvCap(m, "env.ram", "RAM")),
            Cap<ICpuSession>.FromIndex(EnvCap(m, "env.cpu", "CPU")), Cap<IRmSession>.FromIndex(EnvCap(m, "env.rm", "RM")));

        var imageGrant = new ChildOptions { RamQuota = m.InitialRamQuota, CapQuota = m.InitialCapQuota, CapSlots = m.CapabilitySlots, Tracking = tracking };
        var options = grant is null ? imageGrant : grant with { CapSlots = m.CapabilitySlots, Tracking = tracking };
        var pd = Kernel.CreateProtectionDomain(m.Label, m.CapabilitySlots, m.InitialRamQuota, m.InitialCapQuota);
        pd.Entrypoint = Kernel.CreateEntrypoint(m.Label);
        // The image carries the ROM modules the child saw; they become this child's own, so its restored
        // ROM sessions hand out exactly the checkpointed content and no other child sees them.
        foreach (var (key, value) in m.Metadata)
            if (key.StartsWith("rom:", StringComparison.Ordinal))
                Roms.SetFor(pd, key[4..], RestoreGrant.Rom(m, key, value));
        StartTracking(pd, tracking);
        // Code first: replay creates threads by program name and requeues signals to named handlers.
        var env = new Env(Parent, pd, pd.Entrypoint, envCaps);
        // Stopped means no timeout fires either, from the restore on: the child's signal queue stays as in the image.
        if (leaveStopped) Kernel.Timers.Hold(pd);
        var child = new Child(program, env, options);
        RestoreResult result;
        try
        {
            program.Register(env);
            ProgramIdentity.CheckCode(m, pd);
            result = new Restorer(Parent, SessionInspector.Instance) { Faults = Faults }.Restore(plan, pd);
            PendingFaults.Restore(m, result.Badges, Kernel);
            RestoreGrant.CheckRestoredState(pd, program, env, result.Badges);
            RestoreGrant.CheckDonations(pd, Parent);
            ApplyGrant(pd, options.RamQuota - m.InitialRamQuota, options.CapQuota - m.InitialCapQuota);
        }
        catch
        {
            // A restore that failed after the Restorer finished (or a check or the grant after it) left
            // sessions, their memory and threads behind: they go too.
            child.Destroy();
            StopTracking(pd);
            if (leaveStopped) Kernel.Timers.Release(pd);
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
        if (!leaveStopped) pd.Thaw();
        return child;
    }

    /// <summary>
    /// Lets a child restored with <c>leaveStopped</c> run (and the timers it held). With <paramref name="clockMicroseconds"/> a
    /// real clock is restarted at that time first, so the time the restore took does not reach the child
    /// as a jump (only for a host whose other children, if any, are stopped too).
    /// </summary>
    public void Resume(Child child, long? clockMicroseconds = null)
    {
        if (clockMicroseconds is long at && Kernel.Clock is Rtcr.Time.MonotonicClock real) real.Restart(at);
        child.Env.Domain.Thaw();
        Kernel.Timers.Release(child.Env.Domain);
    }

    private static void ApplyGrant(ProtectionDomain pd, long ram, long caps)
    {
        var q = pd.Quota.Snapshot();
        if (q.RamLimit + ram < q.RamUsed || q.CapLimit + caps < q.CapUsed)
            throw new RestoreException($"the grant for '{pd.Label}' is too small: the restored child uses {q.RamUsed} bytes of RAM quota and {q.CapUsed} capabilities, " +
                $"the grant leaves it {q.RamLimit + ram} and {q.CapLimit + caps}");
        if (ram != 0 || caps != 0)
            pd.Quota.Restore(q with { RamLimit = q.RamLimit + ram, CapLimit = q.CapLimit + caps });
    }

    private static string Meta(ImageManifest m, string key) =>
        m.Metadata.TryGetValue(key, out var v) ? v : throw new RestoreException($"image of '{m.Label}' lacks '{key}'; it was not written by a component host");

    private static int MetaInt(ImageManifest m, string key) =>
        int.TryParse(Meta(m, key), System.Globalization.CultureInfo.InvariantCulture, out int v) ? v : throw new RestoreException($"image of '{m.Label}': '{key}' is not a number");

    // An environment capability must name a slot holding a session of its service: the child's code uses it as one.
    private static int EnvCap(ImageManifest m, string key, string service)
    {
        int index = MetaInt(m, key);
        long badge = m.Capabilities.FirstOrDefault(c => c.Index == index)?.Badge ?? 0;
        if (badge == 0 || !m.Sessions.Any(s => s.Badge == badge && s.Service == service))
            throw new RestoreException($"image of '{m.Label}': '{key}' names capability slot {index}, which does not hold the child's {service} session");
        return index;
    }

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

    /// <summary>
    /// Destroys a child of this host: <see cref="Child.Destroy"/> (threads, entrypoint, sessions and the
    /// memory they hold) plus what the host keeps for it (its dirty tracker, chain position, tick count).
    /// </summary>
    public void Destroy(Child child)
    {
        ArgumentNullException.ThrowIfNull(child);
        child.Destroy();
        StopTracking(child.Env.Domain);
        lock (_lock)
        {
            _chains.Remove(child.Env.Domain);
            _ticks.Remove(child.Env.Entrypoint);
            _timers.RemoveAll(t => t.Client == child.Env.Domain);
        }
    }

    /// <summary>Stops every child and frees everything they hold, native memory included.</summary>
    public void Dispose()
    {
        Kernel.Dispose();
        // Threads and entrypoints are stopped: now the sessions can free their memory (a disposed host
        // that only stopped the kernel kept every RAM dataspace: 40 hosts x 16 MiB leaked 650 MiB).
        foreach (var client in Parent.Sessions.Select(s => s.Client).Distinct().ToArray())
            Parent.CloseAllWhenEnded(client, client.Threads.ToArray(), client.Entrypoint);
        DirtyTracker[] trackers;
        lock (_lock)
        {
            trackers = _trackers.Values.ToArray();
            _trackers.Clear();
        }
        foreach (var t in trackers) t.Dispose();
    }
}
