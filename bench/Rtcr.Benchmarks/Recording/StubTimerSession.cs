using System.Runtime.CompilerServices;
using Rtcr.Capabilities;
using Rtcr.Sessions;

namespace Rtcr.Benchmarks.Recording;

/// <summary>
/// A timer session that does almost nothing, so that a benchmark measures the cost of reaching it
/// (capability lookup, recording proxy) rather than the session's own work. The core timer's
/// TriggerPeriodic schedules a queue entry per call, which would swamp the proxy's cost. Its methods
/// are not inlinable, as a real session's are not: otherwise guarded devirtualization inlines the
/// direct call into the benchmark loop and the baseline measures as zero.
/// </summary>
public sealed class StubTimerSession : ITimerSession
{
    private long _micros = 1234;
    private long _period;

    /// <summary>The last programmed period (read so the JIT cannot drop the writes).</summary>
    public long Period => _period;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void Sigh(Cap<ISignalContext> handler) { }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void TriggerOnce(long microseconds) => _period = -microseconds;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void TriggerPeriodic(long microseconds) => _period = microseconds;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.NoInlining)]
    public long ElapsedMs() => _micros / 1000;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.NoInlining)]
    public long ElapsedUs() => _micros++;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void Upgrade(long ramQuota, long capQuota) { }
}
