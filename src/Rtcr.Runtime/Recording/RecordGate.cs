using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Rtcr.Recording;

/// <summary>
/// The mutual exclusion generated recorders hold while they forward a recorded call and record it, so that
/// racing calls leave the record equal to the object's state. One compare-and-swap to enter and a plain
/// store to leave: critical sections are one forwarded call long and almost never contended (a component's
/// entrypoint and threads rarely record at the same instant), which costs about half of a <see cref="Lock"/>
/// on a recorded call's hot path. The gate remembers its holder, so a forwarded call that re-enters the same
/// recorder fails with <see cref="InvalidOperationException"/> instead of spinning forever.
/// </summary>
public struct RecordGate
{
    // 0 = free, otherwise the managed thread id of the holder.
    private int _holder;

    /// <summary>Enters the gate; dispose the returned scope to leave it (<c>using (_gate.Enter()) …</c>).</summary>
    /// <exception cref="InvalidOperationException">The calling thread already holds the gate (a forwarded call re-entered its recorder).</exception>
    [UnscopedRef]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Scope Enter()
    {
        int me = Environment.CurrentManagedThreadId;
        if (Interlocked.CompareExchange(ref _holder, me, 0) != 0) EnterContended(me);
        return new Scope(ref this);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void EnterContended(int me)
    {
        if (Volatile.Read(ref _holder) == me)
            throw new InvalidOperationException("a recorded call re-entered its own recorder while forwarding (the real object called back into the recording proxy); forward such calls to the real object instead");
        var spin = new SpinWait();
        while (Volatile.Read(ref _holder) != 0 || Interlocked.CompareExchange(ref _holder, me, 0) != 0) spin.SpinOnce();
    }

    /// <summary>Holds the gate until disposed.</summary>
    public readonly ref struct Scope
    {
        private readonly ref RecordGate _gate;

        internal Scope(ref RecordGate gate) => _gate = ref gate;

        /// <summary>Leaves the gate.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Dispose() => Volatile.Write(ref _gate._holder, 0);
    }
}
