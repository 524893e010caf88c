using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Rtcr.Recording;

/// <summary>
/// The mutual exclusion generated recorders use around their record: one compare-and-swap to enter
/// and a plain store to leave. Critical sections are a few stores long and almost never contended
/// (a component's entrypoint and threads rarely record at the same instant), so this costs about
/// half of a <see cref="Lock"/>, which matters on a recorded call's hot path.
/// </summary>
public struct RecordGate
{
    private int _held;

    /// <summary>Enters the gate; dispose the returned scope to leave it (<c>using (_gate.Enter()) …</c>).</summary>
    [UnscopedRef]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Scope Enter()
    {
        if (Interlocked.CompareExchange(ref _held, 1, 0) != 0) EnterContended();
        return new Scope(ref this);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void EnterContended()
    {
        var spin = new SpinWait();
        while (Volatile.Read(ref _held) != 0 || Interlocked.CompareExchange(ref _held, 1, 0) != 0) spin.SpinOnce();
    }

    /// <summary>Holds the gate until disposed.</summary>
    public readonly ref struct Scope
    {
        private readonly ref RecordGate _gate;

        internal Scope(ref RecordGate gate) => _gate = ref gate;

        /// <summary>Leaves the gate.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Dispose() => Volatile.Write(ref _gate._held, 0);
    }
}
