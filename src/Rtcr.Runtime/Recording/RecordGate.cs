using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Rtcr.Recording;

/// <summary>
/// The mutual exclusion generated recorders hold while they forward a recorded call and record it, so that
/// racing calls leave the record equal to the object's state. Almost every recorder is only ever called by one
/// thread (a component's entrypoint, or one of its threads), so the gate is <em>biased</em> to the first thread
/// that enters it: that thread enters and leaves with plain stores — no atomic instruction — which is what
/// keeps a recorded call within a fraction of a direct one. Every other thread is a <em>visitor</em>: visitors
/// take tickets (one atomic add, served in arrival order, so a caller in a tight loop cannot starve another),
/// announce themselves, and make the owner's plain stores visible with one process-wide memory barrier
/// (<see cref="Interlocked.MemoryBarrierProcessWide"/>, the asymmetric half of a Dekker handshake) before they
/// wait for the owner to leave; the owner, seeing a visitor, queues for a ticket too. The barrier costs
/// microseconds, so after <see cref="VisitsBeforeSharing"/> visiting calls the bias is dropped for good and
/// everyone takes tickets. <see cref="EnterToCapture"/> (a checkpoint's once-per-pause read) never drops it.
/// The gate remembers its holders, so a forwarded call that re-enters the same recorder fails with
/// <see cref="InvalidOperationException"/> instead of waiting for itself forever.
/// </summary>
public struct RecordGate
{
    /// <summary>Calls by other threads than the owner after which the gate stops favouring the owner.</summary>
    public const int VisitsBeforeSharing = 64;

    private const int Shared = -1;

    private int _owner;     // managed thread id of the biased owner; 0 before the first entry; Shared when dropped
    private int _ownerIn;   // 1 while the owner is inside without a ticket (written only by the owner)
    private int _visitor;   // 1 while a ticket holder (not the owner) is inside or waiting for the owner to leave
    private int _visits;    // calls by visitors so far (only ticket holders write it)
    private int _next;      // the ticket the next arrival takes
    private int _serving;   // the ticket allowed in
    private int _holder;    // managed thread id of the ticket holder, 0 when none

    /// <summary>Enters the gate for a recorded call; dispose the returned scope to leave it (<c>using (_gate.Enter()) …</c>).</summary>
    /// <exception cref="InvalidOperationException">The calling thread already holds the gate (a forwarded call re-entered its recorder).</exception>
    [UnscopedRef]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Scope Enter()
    {
        int me = Environment.CurrentManagedThreadId;
        if (_owner == me)
        {
            // Only this thread writes _ownerIn, and _holder is this thread's id only while it holds a ticket.
            if (_ownerIn != 0 || _holder == me) ThrowReentered();
            Volatile.Write(ref _ownerIn, 1);
            // A visitor that set _visitor before its process-wide barrier is seen here; one that sets it later
            // sees _ownerIn == 1 after its barrier and waits. The owner is read again after _visitor: a visitor
            // drops the bias before it clears _visitor, so a stale first read cannot let this thread in afterwards.
            if (Volatile.Read(ref _visitor) == 0 && Volatile.Read(ref _owner) == me) return new Scope(ref this, owner: true);
            Volatile.Write(ref _ownerIn, 0);
        }
        return EnterWithTicket(me, visit: true);
    }

    /// <summary>Enters the gate to read the record (a checkpoint's capture); unlike <see cref="Enter"/>, never drops the bias.</summary>
    /// <exception cref="InvalidOperationException">The calling thread already holds the gate.</exception>
    [UnscopedRef]
    public Scope EnterToCapture()
    {
        int me = Environment.CurrentManagedThreadId;
        if (_owner == me && (_ownerIn != 0 || _holder == me)) ThrowReentered();
        return EnterWithTicket(me, visit: false);
    }

    [UnscopedRef]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private Scope EnterWithTicket(int me, bool visit)
    {
        // The first thread to call becomes the owner.
        if (visit && Volatile.Read(ref _owner) == 0 && Interlocked.CompareExchange(ref _owner, me, 0) == 0) return Enter();
        if (_holder == me) ThrowReentered();
        int ticket = Interlocked.Increment(ref _next) - 1;
        if (Volatile.Read(ref _serving) != ticket) Wait(ticket);
        _holder = me;
        int owner = Volatile.Read(ref _owner);
        if (owner != Shared && owner != me)
        {
            Volatile.Write(ref _visitor, 1);
            // Makes the owner's plain store of _ownerIn visible (or its next read of _visitor see 1).
            Interlocked.MemoryBarrierProcessWide();
            var spin = new SpinWait();
            while (Volatile.Read(ref _ownerIn) != 0) spin.SpinOnce(sleep1Threshold: -1);
            // The owner is out and stays out while _visitor is 1: dropping the bias here is safe.
            if (visit && owner != 0 && ++_visits == VisitsBeforeSharing) Volatile.Write(ref _owner, Shared);
        }
        return new Scope(ref this, owner: false);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Wait(int ticket)
    {
        var spin = new SpinWait();
        // Never Sleep(1): the next ticket's holder must get the processor back quickly.
        while (Volatile.Read(ref _serving) != ticket) spin.SpinOnce(sleep1Threshold: -1);
    }

    private void LeaveTicket()
    {
        if (_visitor != 0) Volatile.Write(ref _visitor, 0);
        _holder = 0;
        Volatile.Write(ref _serving, _serving + 1);
    }

    [DoesNotReturn]
    private static void ThrowReentered() =>
        throw new InvalidOperationException("a recorded call re-entered its own recorder while forwarding (the real object called back into the recording proxy); forward such calls to the real object instead");

    /// <summary>Holds the gate until disposed.</summary>
    public readonly ref struct Scope
    {
        private readonly ref RecordGate _gate;
        private readonly bool _owner;

        internal Scope(ref RecordGate gate, bool owner)
        {
            _gate = ref gate;
            _owner = owner;
        }

        /// <summary>Leaves the gate: the owner with one plain store, a ticket holder by serving the next ticket.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Dispose()
        {
            if (_owner) Volatile.Write(ref _gate._ownerIn, 0);
            else _gate.LeaveTicket();
        }
    }
}
