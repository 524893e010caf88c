namespace Rtcr.Execution;

/// <summary>
/// A signal context: submitting it queues a call of the named handler on its entrypoint. Handlers
/// are named (not delegates) so a restored component can bind the same context to its handler again.
/// </summary>
public sealed class SignalContext
{
    internal int Pending;

    /// <summary>Creates a context that delivers to <paramref name="handler"/> on <paramref name="entrypoint"/>.</summary>
    public SignalContext(Entrypoint entrypoint, string handler)
    {
        ArgumentNullException.ThrowIfNull(entrypoint);
        ArgumentException.ThrowIfNullOrEmpty(handler);
        Entrypoint = entrypoint;
        Handler = handler;
    }

    /// <summary>The entrypoint that runs the handler.</summary>
    public Entrypoint Entrypoint { get; }

    /// <summary>Name of the handler registered at the entrypoint.</summary>
    public string Handler { get; }

    /// <summary>Submitted but not yet delivered signals.</summary>
    public int PendingCount => Volatile.Read(ref Pending);

    /// <summary>Whether the context was freed (<see cref="Revoke"/>).</summary>
    public bool IsRevoked => Volatile.Read(ref _revoked);

    private bool _revoked;

    /// <summary>Submits <paramref name="count"/> signals; they coalesce until the handler runs. A freed context drops them.</summary>
    public void Submit(int count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        Entrypoint.Enqueue(this, count);
    }

    /// <summary>
    /// The context was freed: signals still pending for it are discarded and later submissions are
    /// dropped, as Genode discards the signals of a dissolved context. Otherwise a pending signal would
    /// name an object that no longer exists, and no checkpoint could record it.
    /// </summary>
    public void Revoke()
    {
        Volatile.Write(ref _revoked, true);
        Entrypoint.Discard(this);
    }
}
