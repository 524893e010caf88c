using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Rtcr.Benchmarks.Support;
using Rtcr.Recording;
using Rtcr.Recording.Fallback;
using Rtcr.Services;
using Rtcr.Sessions;

namespace Rtcr.Benchmarks.Recording;

/// <summary>
/// Cost per call of recording a session: direct call, the generated <see cref="TimerSessionRecorder"/>
/// (a [Query] pass-through and a [Sets] recorded call), the Castle DynamicProxy fallback recorder
/// (<see cref="FallbackRecorder"/>) and a <see cref="System.Reflection.DispatchProxy"/> recorder, all in
/// front of the same do-nothing timer session. Goals: pass-through ≤ 1.2× direct, recorded ≥ 10×
/// faster than Castle, 0 B allocated per call (all arguments here are value types).
/// </summary>
[Config(typeof(ShortConfig))]
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class RecordingProxyBenchmarks
{
    private Kernel _kernel = null!;
    private ITimerSession _direct = null!, _generated = null!, _castle = null!, _dispatch = null!;
    // Calls per benchmark invocation: single calls of a few nanoseconds are below BenchmarkDotNet's
    // resolution once its own loop overhead is subtracted.
    private const int Calls = 1024;
    private long _period = 1000;
    private readonly Lock _gate = new();
    private long _locked;

    /// <summary>Builds the four ways to reach the stub.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _kernel = new Kernel();
        var pd = _kernel.CreateProtectionDomain("bench");
        var context = new RecordingContext(pd);
        var args = new SessionArgs("bench", 0, 0);
        _direct = new StubTimerSession();
        _generated = new TimerSessionRecorder(new StubTimerSession(), context, args);
        _castle = FallbackRecorder.Wrap<ITimerSession>(new StubTimerSession(), context, args);
        _dispatch = DispatchProxyRecorder.Wrap<ITimerSession>(new StubTimerSession());
    }

    /// <summary>Disposes the kernel.</summary>
    [GlobalCleanup]
    public void Cleanup() => _kernel.Dispose();

    /// <summary>[Query] ElapsedUs on the session itself.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Calls), BenchmarkCategory("Query")]
    public long QueryDirect()
    {
        long sum = 0;
        for (int i = 0; i < Calls; i++) sum += _direct.ElapsedUs();
        return sum;
    }

    /// <summary>[Query] through the generated recorder (pass-through).</summary>
    [Benchmark(OperationsPerInvoke = Calls), BenchmarkCategory("Query")]
    public long QueryGenerated()
    {
        long sum = 0;
        for (int i = 0; i < Calls; i++) sum += _generated.ElapsedUs();
        return sum;
    }

    /// <summary>[Query] through the Castle fallback recorder.</summary>
    [Benchmark(OperationsPerInvoke = Calls), BenchmarkCategory("Query")]
    public long QueryCastle()
    {
        long sum = 0;
        for (int i = 0; i < Calls; i++) sum += _castle.ElapsedUs();
        return sum;
    }

    /// <summary>[Query] through the DispatchProxy recorder.</summary>
    [Benchmark(OperationsPerInvoke = Calls), BenchmarkCategory("Query")]
    public long QueryDispatchProxy()
    {
        long sum = 0;
        for (int i = 0; i < Calls; i++) sum += _dispatch.ElapsedUs();
        return sum;
    }

    // The period changes every call so a recorder cannot skip an unchanged value.
    /// <summary>[Sets] TriggerPeriodic on the session itself.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Calls), BenchmarkCategory("Sets")]
    public void SetsDirect()
    {
        var target = _direct;
        long period = _period;
        for (int i = 0; i < Calls; i++) target.TriggerPeriodic(period++);
        _period = period;
    }

    /// <summary>[Sets] through the generated recorder (forward, then record the latest value of key "trigger").</summary>
    [Benchmark(OperationsPerInvoke = Calls), BenchmarkCategory("Sets")]
    public void SetsGenerated()
    {
        var target = _generated;
        long period = _period;
        for (int i = 0; i < Calls; i++) target.TriggerPeriodic(period++);
        _period = period;
    }

    /// <summary>[Sets] through the Castle fallback recorder.</summary>
    [Benchmark(OperationsPerInvoke = Calls), BenchmarkCategory("Sets")]
    public void SetsCastle()
    {
        var target = _castle;
        long period = _period;
        for (int i = 0; i < Calls; i++) target.TriggerPeriodic(period++);
        _period = period;
    }

    /// <summary>[Sets] through the DispatchProxy recorder.</summary>
    [Benchmark(OperationsPerInvoke = Calls), BenchmarkCategory("Sets")]
    public void SetsDispatchProxy()
    {
        var target = _dispatch;
        long period = _period;
        for (int i = 0; i < Calls; i++) target.TriggerPeriodic(period++);
        _period = period;
    }

    /// <summary>
    /// Not a recorder: the uncontended <see cref="Lock"/> enter/exit that the generated recorder takes
    /// around every recorded field update, to show how much of its cost that is.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Calls), BenchmarkCategory("Sets")]
    public void SetsLockOnly()
    {
        for (int i = 0; i < Calls; i++)
            lock (_gate) _locked++;
    }
}
