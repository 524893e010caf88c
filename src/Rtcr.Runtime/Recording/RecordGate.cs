using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Rtcr.Recording;

/// <summary>
/// The mutual exclusion generated recorders hold while they forward a recorded call and record it, so that
/// racing calls leave the record equal to the object's state. A ticket gate: one atomic add to enter and
/// a plain store to leave, and waiters are served in arrival order, so a thread that calls in a tight loop
/// cannot starve another one (a compare-and-swap gate let the releasing thread win again and again).
/// Critical sections are one forwarded call long and almost never contended: a component's entrypoint and
/// threads rarely record on one object at the same instant. The gate remembers its holder, so a forwarded
/// call that re-enters the same recorder fails with <see cref="InvalidOperationException"/> instead of
/// waiting for itself forever.
/// </summary>
public struct RecordGate
{
    private int _next;      // the ticket the next arrival takes
    private int _serving;   // the ticket allowed in
    private int _holder;    // managed thread id of the holder, 0 when free

    /// <summary>Enters the gate; dispose the returned scope to leave it (<c>using (_gate.Enter()) …</c>).</summary>
    /// <exception cref="InvalidOperationException">The calling thread already holds the gate (a forwarded call re-entered its recorder).</exception>
    [UnscopedRef]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Scope Enter()
    {
        int me = Environment.CurrentManagedThreadId;
        // Only this thread ever writes its own id here, so seeing it means this thread holds the gate.
        if (_holder == me) ThrowReentered();
        int ticket = Interlocked.Increment(ref _next) - 1;
        if (Volatile.Read(ref _serving) != ticket) Wait(ticket);
        _holder = me;
        return new Scope(ref this);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Wait(int ticket)
    {
        var spin = new SpinWait();
        // Never Sleep(1): the next ticket's holder must get the processor back quickly.
        while (Volatile.Read(ref _serving) != ticket) spin.SpinOnce(sleep1Threshold: -1);
    }

    [DoesNotReturn]
    private static void ThrowReentered() =>
        throw new InvalidOperationException("a recorded call re-entered its own recorder while forwarding (the real object called back into the recording proxy); forward such calls to the real object instead");

    /// <summary>Holds the gate until disposed.</summary>
    public readonly ref struct Scope
    {
        private readonly ref RecordGate _gate;

        internal Scope(ref RecordGate gate) => _gate = ref gate;

        /// <summary>Leaves the gate: the next ticket is served.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Dispose()
        {
            _gate._holder = 0;
            Volatile.Write(ref _gate._serving, _gate._serving + 1);
        }
    }
}
