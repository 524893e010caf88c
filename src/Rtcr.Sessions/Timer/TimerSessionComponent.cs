using Rtcr.Capabilities;
using Rtcr.Execution;

namespace Rtcr.Sessions;

/// <summary>
/// Core's timer session on the kernel clock. One timeout is programmed at a time; a periodic timeout
/// is rescheduled from its due time (not from when it fired), so it does not drift.
/// </summary>
public sealed class TimerSessionComponent : ITimerSession, IDisposable
{
    private readonly ProtectionDomain _client;
    private readonly Lock _lock = new();
    private long _createdAt;
    private SignalContext? _handler;
    private long _timerId, _dueAt, _period, _order;

    /// <summary>Creates a session for <paramref name="client"/>.</summary>
    public TimerSessionComponent(ProtectionDomain client)
    {
        _client = client;
        _createdAt = client.Kernel.Clock.NowMicroseconds;
    }

    /// <summary>The client the session serves.</summary>
    public ProtectionDomain Client => _client;

    /// <summary>The pending timeout: absolute due time (0 = none) and period (0 = one-shot); captured on checkpoint.</summary>
    public (long DueAt, long Period, long CreatedAt) Pending
    {
        get { lock (_lock) return (_dueAt, _period, _createdAt); }
    }

    /// <summary>
    /// The pending timeout's place among timeouts due at the same instant (its timer-queue order, 0 =
    /// none); captured so that timers due together fire in the same order after a restore.
    /// </summary>
    public long Order
    {
        get { lock (_lock) return _order; }
    }

    /// <summary>The signal context notified on timeouts, if any.</summary>
    public SignalContext? Handler
    {
        get { lock (_lock) return _handler; }
    }

    /// <inheritdoc />
    public void Sigh(Cap<ISignalContext> handler)
    {
        var context = handler.IsValid ? _client.Invoke(handler).Context() : null;
        lock (_lock) _handler = context;
    }

    /// <inheritdoc />
    public void TriggerOnce(long microseconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(microseconds);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(microseconds, MaxTimeout);
        Program(_client.Kernel.Clock.NowMicroseconds + microseconds, 0);
    }

    /// <inheritdoc />
    public void TriggerPeriodic(long microseconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(microseconds);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(microseconds, MaxTimeout);
        Program(microseconds == 0 ? 0 : _client.Kernel.Clock.NowMicroseconds + microseconds, microseconds);
    }

    /// <summary>Longest timeout or period accepted (2^53 us, about 285 years): the due time never overflows.</summary>
    public const long MaxTimeout = 1L << 53;

    /// <inheritdoc />
    public long ElapsedMs() => ElapsedUs() / 1000;

    /// <inheritdoc />
    public long ElapsedUs() => _client.Kernel.Clock.NowMicroseconds - _createdAt;

    /// <inheritdoc />
    public void Upgrade(long ramQuota, long capQuota) { }

    /// <summary>Puts back the creation time (restore), so <see cref="ElapsedMs"/> continues.</summary>
    public void RestoreCreatedAt(long createdAt)
    {
        lock (_lock) _createdAt = createdAt;
    }

    /// <summary>
    /// Programs the timeout exactly (restore puts back the captured due time, period and, when known,
    /// the order among timeouts due at the same instant).
    /// </summary>
    public void Program(long dueAt, long period, long order = 0)
    {
        lock (_lock)
        {
            if (_timerId != 0) _client.Kernel.Timers.Cancel(_timerId);
            _timerId = 0;
            _order = 0;
            _dueAt = dueAt;
            _period = period;
            if (dueAt != 0) Arm(order);
        }
    }

    private void Arm(long order)
    {
        // Owned by the client: a checkpoint of the client holds this timer, not those of other children.
        _timerId = _client.Kernel.Timers.Schedule(_dueAt, Fire, order, _client);
        _order = order == 0 ? _timerId : order;
    }

    private void Fire()
    {
        SignalContext? handler;
        lock (_lock)
        {
            handler = _handler;
            if (_period > 0)
            {
                _dueAt += _period;
                Arm(0);
            }
            else
            {
                _dueAt = 0;
                _timerId = 0;
                _order = 0;
            }
        }
        handler?.Submit(1);
    }

    /// <summary>Cancels the pending timeout (session closed).</summary>
    public void Dispose() => Program(0, 0);
}
