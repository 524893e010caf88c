using Rtcr.Capabilities;
using Rtcr.Checkpoint;
using Rtcr.Execution;
using Rtcr.Recording;
using Rtcr.Restore;
using Rtcr.Services;

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

    /// <summary>Starts a child running <paramref name="program"/> with <paramref name="config"/> as its ROM "config".</summary>
    public Child Start(IComponentProgram program, string config, ChildOptions? options = null)
    {
        var child = ChildLauncher.CreateEnvironment(Parent, program, options ?? new ChildOptions(), program.Name);
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
            for (long t = Ticks(child); seen < t; seen++) afterTick?.Invoke(seen + 1);
        }
    }

    /// <summary>
    /// Checkpoints a child: the image holds its sessions, capabilities, memory and pending signals plus
    /// what this host needs to restore it (program name and version, the handler and thread-program
    /// names its code registered, options, environment capabilities, the ROM modules it sees).
    /// </summary>
    public CheckpointImage Checkpoint(Child child)
    {
        var checkpointer = new Checkpointer(Parent, SessionInspector.Instance);
        var pd = child.Env.Domain;
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
        var image = checkpointer.Checkpoint(pd, metadata, child.Options.RamQuota, child.Options.CapQuota, PendingFaults.Capture(Kernel));
        LastPauseTime = checkpointer.LastPauseTime;
        return image;
    }

    /// <summary>How long the child was frozen during the last <see cref="Checkpoint"/>.</summary>
    public TimeSpan LastPauseTime { get; private set; }

    /// <summary>
    /// Restores a child from an image into this host: an empty PD and entrypoint, sessions and objects
    /// replayed, memory and capabilities put back, code re-bound by handler name, then resumed (unless
    /// <paramref name="leaveStopped"/>; then <see cref="Resume"/> lets it run).
    /// </summary>
    /// <param name="image">A validated image.</param>
    /// <param name="programs">Finds the component's code by the program name stored in the image.</param>
    /// <param name="grant">
    /// The quota this host grants the child. Null keeps the image's grant. A larger grant is kept: the
    /// difference is added to the restored PD's limits. A smaller one lowers them by the difference,
    /// and is refused with a <see cref="RestoreException"/> (nothing stays behind) when the child
    /// already uses more than that.
    /// </param>
    /// <param name="leaveStopped">Restore without resuming (CRIU's <c>--leave-stopped</c>).</param>
    /// <exception cref="RestoreException">The code does not match the image, the grant is too small, or restore failed (rolled back).</exception>
    public Child Restore(CheckpointImage image, Func<string, IComponentProgram> programs, ChildOptions? grant = null, bool leaveStopped = false)
    {
        var m = image.Manifest;
        if (Kernel.Clock.NowMicroseconds < m.ClockMicroseconds && Kernel.Clock.IsVirtual)
            throw new RestoreException($"this kernel's clock ({Kernel.Clock.NowMicroseconds} us) is behind the image ({m.ClockMicroseconds} us); create the host with startMicroseconds = the image's clock");
        var program = programs(Meta(m, "program"));
        ProgramIdentity.CheckVersion(m, program);
        var envCaps = new EnvCaps(Cap<IPdSession>.FromIndex(MetaInt(m, "env.pd")), Cap<IRamSession>.FromIndex(MetaInt(m, "env.ram")),
            Cap<ICpuSession>.FromIndex(MetaInt(m, "env.cpu")), Cap<IRmSession>.FromIndex(MetaInt(m, "env.rm")));

        var imageGrant = new ChildOptions { RamQuota = m.InitialRamQuota, CapQuota = m.InitialCapQuota, CapSlots = m.CapabilitySlots };
        var options = grant is null ? imageGrant : grant with { CapSlots = m.CapabilitySlots };
        var pd = Kernel.CreateProtectionDomain(m.Label, m.CapabilitySlots, m.InitialRamQuota, m.InitialCapQuota);
        pd.Entrypoint = Kernel.CreateEntrypoint(m.Label);
        // The image carries the ROM modules the child saw; they become this child's own, so its restored
        // ROM sessions hand out exactly the checkpointed content and no other child sees them.
        foreach (var (key, value) in m.Metadata)
            if (key.StartsWith("rom:", StringComparison.Ordinal))
                Roms.SetFor(pd, key[4..], Convert.FromBase64String(value));
        // Code first: replay creates threads by program name and requeues signals to named handlers.
        var env = new Env(Parent, pd, pd.Entrypoint, envCaps);
        // Stopped means no timeout fires either, from the restore on: the child's signal queue stays as in the image.
        if (leaveStopped) Kernel.Timers.Hold();
        try
        {
            program.Register(env);
            ProgramIdentity.CheckCode(m, pd);
            var result = new Restorer(Parent, SessionInspector.Instance).Restore(image, pd);
            PendingFaults.Restore(m, result.Badges, Kernel);
        }
        catch
        {
            Kernel.DestroyEntrypoint(pd.Entrypoint);
            if (leaveStopped) Kernel.Timers.Release();
            throw;
        }
        var child = new Child(program, env, options);
        try
        {
            ApplyGrant(pd, options.RamQuota - m.InitialRamQuota, options.CapQuota - m.InitialCapQuota);
        }
        catch
        {
            Parent.CloseAll(pd);
            child.Destroy();
            if (leaveStopped) Kernel.Timers.Release();
            throw;
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
        Kernel.Timers.Release();
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
    public void Dispose() => Kernel.Dispose();
}
