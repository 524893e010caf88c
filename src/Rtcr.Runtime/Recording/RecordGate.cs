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

    // This thread's managed id, cached: Environment.CurrentManagedThreadId is a call (and a thread-local lookup
    // inside it) on every entry, while a thread-static int is one load once the JIT has its thread's base.
    [ThreadStatic] private static int t_threadId;

    private int _owner;     // managed thread id of the biased owner; 0 before the first entry; Shared when dropped
    private int _ownerIn;   // 1 while the owner is inside without a ticket (written only by the owner)
    private int _visitor;   // 1 while a ticket holder (not the owner) is inside or waiting for the owner; for good once Shared
    private int _visits;    // calls by visitors so far (only ticket holders write it)
    private int _next;      // the ticket the next arrival takes
    private int _serving;   // the ticket allowed in
    private int _holder;    // managed thread id of the ticket holder once it is inside (past the owner), 0 otherwise

    /// <summary>Enters the gate for a recorded call; dispose the returned scope to leave it (<c>using (_gate.Enter()) …</c>).</summary>
    /// <exception cref="InvalidOperationException">The calling thread already holds the gate (a forwarded call re-entered its recorder).</exception>
    [UnscopedRef]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Scope Enter()
    {
        int me = CurrentThreadId();
        if (_owner == me)
        {
            // Only this thread writes _ownerIn, and _holder is this thread's id only while it is inside with a ticket.
            if (_ownerIn != 0 || _holder == me) ThrowReentered();
            Volatile.Write(ref _ownerIn, 1);
            // A visitor that set _visitor before its process-wide barrier is seen here; one that sets it later
            // sees _ownerIn == 1 after its barrier and waits. The visitor that drops the bias leaves _visitor set
            // for good, so a stale read of _owner above cannot let this thread in beside the ticket holders.
            if (Volatile.Read(ref _visitor) == 0) return new Scope(ref this);
            Volatile.Write(ref _ownerIn, 0);
        }
        EnterWithTicket(me, visit: true);
        return new Scope(ref this);
    }

    /// <summary>Enters the gate to read the record (a checkpoint's capture); unlike <see cref="Enter"/>, never drops the bias.</summary>
    /// <exception cref="InvalidOperationException">The calling thread already holds the gate.</exception>
    [UnscopedRef]
    public Scope EnterToCapture()
    {
        int me = CurrentThreadId();
        if (_owner == me && (_ownerIn != 0 || _holder == me)) ThrowReentered();
        EnterWithTicket(me, visit: false);
        return new Scope(ref this);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int CurrentThreadId()
    {
        int id = t_threadId;
        return id != 0 ? id : CacheThreadId();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int CacheThreadId() => t_threadId = Environment.CurrentManagedThreadId;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void EnterWithTicket(int me, bool visit)
    {
        // The first thread to call becomes the owner.
        if (visit && Volatile.Read(ref _owner) == 0 && Interlocked.CompareExchange(ref _owner, me, 0) == 0)
        {
            Enter();
            return;
        }
        if (_holder == me) ThrowReentered();
        int ticket = Interlocked.Increment(ref _next) - 1;
        if (Volatile.Read(ref _serving) != ticket) Wait(ticket);
        int owner = Volatile.Read(ref _owner);
        if (owner != Shared && owner != me)
        {
            Volatile.Write(ref _visitor, 1);
            // Makes the owner's plain store of _ownerIn visible (or its next read of _visitor see 1).
            Interlocked.MemoryBarrierProcessWide();
            var spin = new SpinWait();
            while (Volatile.Read(ref _ownerIn) != 0) spin.SpinOnce(sleep1Threshold: -1);
            // The owner is out and stays out while _visitor is 1: dropping the bias here is safe, and _visitor
            // stays 1 from now on (LeaveTicket sees Shared), which keeps the owner off its plain-store path.
            if (visit && owner != 0 && ++_visits == VisitsBeforeSharing) Volatile.Write(ref _owner, Shared);
        }
        // Set only now, inside: Scope.Dispose tells a ticket holder from the owner by it.
        _holder = me;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Wait(int ticket)
    {
        var spin = new SpinWait();
        // Never Sleep(1): the next ticket's holder must get the processor back quickly.
        while (Volatile.Read(ref _serving) != ticket) spin.SpinOnce(sleep1Threshold: -1);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void LeaveTicket()
    {
        // _holder is cleared before _visitor is released, so the owner that enters next sees 0 when it leaves.
        _holder = 0;
        if (_visitor != 0 && _owner != Shared) Volatile.Write(ref _visitor, 0);
        Volatile.Write(ref _serving, _serving + 1);
    }

    [DoesNotReturn]
    private static void ThrowReentered() =>
        throw new InvalidOperationException("a recorded call re-entered its own recorder while forwarding (the real object called back into the recording proxy); forward such calls to the real object instead");

    /// <summary>Holds the gate until disposed.</summary>
    public readonly ref struct Scope
    {
        private readonly ref RecordGate _gate;

        internal Scope(ref RecordGate gate) => _gate = ref gate;

        /// <summary>Leaves the gate: the owner with one plain store, a ticket holder by serving the next ticket.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Dispose()
        {
            // The thread inside is a ticket holder exactly when _holder is set (to its id); otherwise it is the
            // owner on its plain-store path. Keeping no flag in the scope spares a spill around the try/finally.
            if (_gate._holder == 0) Volatile.Write(ref _gate._ownerIn, 0);
            else _gate.LeaveTicket();
        }
    }
}
