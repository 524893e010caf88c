using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using Rtcr.Benchmarks.Support;
using Rtcr.Recording;
using Rtcr.Services;
using Rtcr.Sessions;

namespace Rtcr.Benchmarks.Recording;

/// <summary>
/// Where the cost of a recorded <c>[Sets]</c> call goes (issue 12: recorded within 1.5× of a direct call). The
/// same do-nothing <see cref="StubTimerSession.TriggerPeriodic"/> as in <see cref="RecordingProxyBenchmarks"/>,
/// called directly (baseline) and with one part of the generated recorder's work added at a time: the thread
/// identity read alone (the cached thread-static the gate uses, and <see cref="Environment.CurrentManagedThreadId"/>
/// it used before), the recording stores alone (no exclusion, so not correct under races), the
/// <see cref="RecordGate"/> alone, the cheapest atomic gate (one compare-and-swap in, one store out), a floor
/// for any gate biased to one thread (its owner's path and the recording without the identity read), and the
/// whole generated recorder.
/// </summary>
[Config(typeof(ShortConfig))]
public class RecordGateCostBenchmarks
{
    // Calls per benchmark invocation, as in RecordingProxyBenchmarks.
    private const int Calls = 1024;

    [ThreadStatic] private static int t_threadId;

    private ITimerSession _direct = null!, _generated = null!;
    private Kernel _kernel = null!;
    private long _period = 1000;
    private int _ownerId;
    private RecordGate _gate;
    private int _lockWord, _ownerIn, _visitor;
    private long _keyOrder, _nextOrder, _recorded;
    private int _keyMethod;

    /// <summary>What <see cref="RecordOnly"/> recorded last (read so the JIT cannot drop the stores).</summary>
    public (int Method, long Value) LastRecorded => (_keyMethod, _recorded);

    /// <summary>Builds the stub and the generated recorder, and makes this thread the gate's owner.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _kernel = new Kernel();
        _direct = new StubTimerSession();
        _generated = new TimerSessionRecorder(new StubTimerSession(), new RecordingContext(_kernel.CreateProtectionDomain("bench")), new SessionArgs("bench", 0, 0));
        _ownerId = Environment.CurrentManagedThreadId;
        _visitor = 0;   // BiasedFloorRecorded's visitor flag: no other thread calls in these benchmarks
    }

    /// <summary>Disposes the kernel.</summary>
    [GlobalCleanup]
    public void Cleanup() => _kernel.Dispose();

    /// <summary>The session itself.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Calls)]
    public void Direct()
    {
        var target = _direct;
        long period = _period;
        for (int i = 0; i < Calls; i++) target.TriggerPeriodic(period++);
        _period = period;
    }

    /// <summary>The call behind a check of the thread's identity as the gate reads it (a cached thread-static int).</summary>
    [Benchmark(OperationsPerInvoke = Calls)]
    public void ThreadIdCached()
    {
        var target = _direct;
        long period = _period;
        for (int i = 0; i < Calls; i++)
        {
            int me = t_threadId;
            if (me == 0) me = CacheThreadId();
            if (me == _ownerId) target.TriggerPeriodic(period++);
        }
        _period = period;
    }

    /// <summary>The call behind a check of <see cref="Environment.CurrentManagedThreadId"/> (the gate's identity read before).</summary>
    [Benchmark(OperationsPerInvoke = Calls)]
    public void ThreadIdManaged()
    {
        var target = _direct;
        long period = _period;
        for (int i = 0; i < Calls; i++)
            if (Environment.CurrentManagedThreadId == _ownerId) target.TriggerPeriodic(period++);
        _period = period;
    }

    /// <summary>The call and the generated recorder's stores for key "trigger", without any exclusion (not race-free).</summary>
    [Benchmark(OperationsPerInvoke = Calls)]
    public void RecordOnly()
    {
        var target = _direct;
        long period = _period;
        for (int i = 0; i < Calls; i++)
        {
            target.TriggerPeriodic(period);
            if (_keyOrder == 0) _keyOrder = ++_nextOrder;
            _keyMethod = 2;
            _recorded = period++;
        }
        _period = period;
    }

    /// <summary>The call inside the <see cref="RecordGate"/>, nothing recorded.</summary>
    [Benchmark(OperationsPerInvoke = Calls)]
    public void GateOnly()
    {
        var target = _direct;
        long period = _period;
        for (int i = 0; i < Calls; i++)
            using (_gate.Enter()) target.TriggerPeriodic(period++);
        _period = period;
    }

    /// <summary>The call inside the cheapest atomic gate: one compare-and-swap in, one release store out.</summary>
    [Benchmark(OperationsPerInvoke = Calls)]
    public void AtomicGateOnly()
    {
        var target = _direct;
        long period = _period;
        for (int i = 0; i < Calls; i++)
        {
            while (Interlocked.CompareExchange(ref _lockWord, 1, 0) != 0) Thread.SpinWait(1);
            try { target.TriggerPeriodic(period++); }
            finally { Volatile.Write(ref _lockWord, 0); }
        }
        _period = period;
    }

    /// <summary>
    /// Not a correct gate — a floor: the owner's path of a biased gate (flag in, visitor check, flag out in a
    /// finally) and the recording stores, without reading the thread's identity or checking re-entry. No gate
    /// biased to one thread can be cheaper than this plus its identity read.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Calls)]
    public void BiasedFloorRecorded()
    {
        var target = _direct;
        long period = _period;
        for (int i = 0; i < Calls; i++)
        {
            Volatile.Write(ref _ownerIn, 1);
            if (Volatile.Read(ref _visitor) != 0) ThrowVisited();
            try
            {
                target.TriggerPeriodic(period);
                if (_keyOrder == 0) _keyOrder = ++_nextOrder;
                _keyMethod = 2;
                _recorded = period++;
            }
            finally
            {
                Volatile.Write(ref _ownerIn, 0);
            }
        }
        _period = period;
    }

    /// <summary>The generated <see cref="TimerSessionRecorder"/>: gate, forward and record.</summary>
    [Benchmark(OperationsPerInvoke = Calls)]
    public void Generated()
    {
        var target = _generated;
        long period = _period;
        for (int i = 0; i < Calls; i++) target.TriggerPeriodic(period++);
        _period = period;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowVisited() => throw new InvalidOperationException("the benchmark runs on one thread");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int CacheThreadId() => t_threadId = Environment.CurrentManagedThreadId;
}
