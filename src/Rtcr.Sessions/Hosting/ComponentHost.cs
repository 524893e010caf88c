using Rtcr.Execution;
using Rtcr.Recording;
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
    /// <param name="recorders">When given, every session is recorded (needed for checkpoints).</param>
    /// <param name="startMicroseconds">Initial clock value (a restore continues at the checkpoint's time).</param>
    /// <param name="log">Receives LOG lines; a collecting sink is created when null.</param>
    public ComponentHost(ExecutionMode mode = ExecutionMode.Deterministic, RecorderRegistry? recorders = null, long startMicroseconds = 0, ILogSink? log = null)
    {
        Kernel = new Kernel(mode, startMicroseconds);
        Log = log ?? new CollectingLogSink();
        Parent = new Parent(Kernel, "rtcr", recorders);
        foreach (var service in CoreServices.Create(Log, Roms))
        {
            if (service.Name == "Timer")
                Parent.AddCoreService(new CoreService("Timer", r => Track(new TimerSessionComponent(r.Client))));
            else Parent.AddCoreService(service);
        }
    }

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
        Roms.Set("config", config);
        var child = ChildLauncher.CreateEnvironment(Parent, program, options ?? new ChildOptions(), program.Name);
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

    private bool IsTimerContext(SignalContext context)
    {
        lock (_lock)
            foreach (var timer in _timers)
                if (timer.Handler == context) return true;
        return false;
    }

    private TimerSessionComponent Track(TimerSessionComponent timer)
    {
        lock (_lock) _timers.Add(timer);
        return timer;
    }

    /// <inheritdoc />
    public void Dispose() => Kernel.Dispose();
}
