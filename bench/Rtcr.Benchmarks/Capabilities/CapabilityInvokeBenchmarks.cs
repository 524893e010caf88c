using BenchmarkDotNet.Attributes;
using Rtcr.Benchmarks.Recording;
using Rtcr.Benchmarks.Support;
using Rtcr.Capabilities;
using Rtcr.Sessions;

namespace Rtcr.Benchmarks.Capabilities;

/// <summary>
/// <c>pd.Invoke(cap).ElapsedUs()</c> (slot bounds check → badge → object table → type check → call)
/// against calling the same object through an interface reference. The capability space is
/// realistically populated (many slots used) so the lookup is not a trivially small table.
/// </summary>
[Config(typeof(ShortConfig))]
public class CapabilityInvokeBenchmarks
{
    private Kernel _kernel = null!;
    private ProtectionDomain _pd = null!;
    private ITimerSession _direct = null!;
    private Cap<ITimerSession> _cap;

    // Calls per invocation, so that a call of a few nanoseconds is above the measurement resolution.
    private const int Calls = 1024;

    /// <summary>Creates a PD holding 1000 capabilities, the benchmarked one in the middle.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _kernel = new Kernel();
        _pd = _kernel.CreateProtectionDomain("bench", capSlots: 4096);
        for (int i = 0; i < 500; i++) _pd.Install<object>(new object());
        _direct = new StubTimerSession();
        _cap = _pd.Install(_direct);
        for (int i = 0; i < 500; i++) _pd.Install<object>(new object());
    }

    /// <summary>Disposes the kernel.</summary>
    [GlobalCleanup]
    public void Cleanup() => _kernel.Dispose();

    /// <summary>Interface call on a reference the caller already holds.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Calls)]
    public long DirectInterfaceCall()
    {
        long sum = 0;
        for (int i = 0; i < Calls; i++) sum += _direct.ElapsedUs();
        return sum;
    }

    /// <summary>Capability invocation, then the same call.</summary>
    [Benchmark(OperationsPerInvoke = Calls)]
    public long InvokeCapability()
    {
        long sum = 0;
        for (int i = 0; i < Calls; i++) sum += _pd.Invoke(_cap).ElapsedUs();
        return sum;
    }

    /// <summary>Only the lookup part (no call), to split the cost.</summary>
    [Benchmark(OperationsPerInvoke = Calls)]
    public int InvokeOnly()
    {
        int found = 0;
        for (int i = 0; i < Calls; i++) found += _pd.Invoke(_cap) is null ? 0 : 1;
        return found;
    }
}
