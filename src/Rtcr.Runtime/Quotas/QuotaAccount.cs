namespace Rtcr.Quotas;

/// <summary>
/// RAM and capability accounting of one session or protection domain, in the manner of Genode's
/// <c>Quota_guard</c>: a limit and a used amount per kind. Quota moves between accounts only by
/// <see cref="Transfer"/>, which either moves all of it or nothing.
/// </summary>
public sealed class QuotaAccount
{
    private readonly Lock _lock = new();
    private long _ramLimit, _ramUsed, _capLimit, _capUsed;

    /// <summary>Creates an account with the given limits.</summary>
    public QuotaAccount(string owner, long ramLimit, long capLimit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ramLimit);
        ArgumentOutOfRangeException.ThrowIfNegative(capLimit);
        Owner = owner;
        _ramLimit = ramLimit;
        _capLimit = capLimit;
    }

    /// <summary>Who the account belongs to.</summary>
    public string Owner { get; }

    /// <summary>A consistent reading of limits and usage.</summary>
    public QuotaSnapshot Snapshot()
    {
        lock (_lock) return new QuotaSnapshot(_ramLimit, _ramUsed, _capLimit, _capUsed);
    }

    /// <summary>Limit of a kind.</summary>
    public long Limit(QuotaKind kind)
    {
        lock (_lock) return kind == QuotaKind.Ram ? _ramLimit : _capLimit;
    }

    /// <summary>Used amount of a kind.</summary>
    public long Used(QuotaKind kind)
    {
        lock (_lock) return kind == QuotaKind.Ram ? _ramUsed : _capUsed;
    }

    /// <summary>What is left of a kind.</summary>
    public long Available(QuotaKind kind)
    {
        lock (_lock) return kind == QuotaKind.Ram ? _ramLimit - _ramUsed : _capLimit - _capUsed;
    }

    /// <summary>Consumes quota for an allocation; throws without changing anything when too little is left.</summary>
    public void Withdraw(QuotaKind kind, long amount, string requester, string operation)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amount);
        lock (_lock)
        {
            ref long used = ref kind == QuotaKind.Ram ? ref _ramUsed : ref _capUsed;
            long limit = kind == QuotaKind.Ram ? _ramLimit : _capLimit;
            if (amount > limit - used)
                throw new QuotaExceededException(kind, Owner, requester, amount, used, limit, operation);
            used += amount;
        }
    }

    /// <summary>
    /// Consumes RAM and capability quota together (a session request, an upgrade, an allocation):
    /// RAM is checked first, then capabilities; on failure nothing changes.
    /// </summary>
    public void Withdraw(long ramQuota, long capQuota, string requester, string operation)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ramQuota);
        ArgumentOutOfRangeException.ThrowIfNegative(capQuota);
        lock (_lock)
        {
            if (ramQuota > _ramLimit - _ramUsed)
                throw new QuotaExceededException(QuotaKind.Ram, Owner, requester, ramQuota, _ramUsed, _ramLimit, operation);
            if (capQuota > _capLimit - _capUsed)
                throw new QuotaExceededException(QuotaKind.Caps, Owner, requester, capQuota, _capUsed, _capLimit, operation);
            _ramUsed += ramQuota;
            _capUsed += capQuota;
        }
    }

    /// <summary>Gives back RAM and capability quota consumed by <see cref="Withdraw(long, long, string, string)"/>.</summary>
    public void Replenish(long ramQuota, long capQuota)
    {
        Replenish(QuotaKind.Ram, ramQuota);
        Replenish(QuotaKind.Caps, capQuota);
    }

    /// <summary>Raises both limits (a session upgrade).</summary>
    public void Grow(long ramQuota, long capQuota)
    {
        Grow(QuotaKind.Ram, ramQuota);
        Grow(QuotaKind.Caps, capQuota);
    }

    /// <summary>Gives back quota consumed by <see cref="Withdraw(QuotaKind, long, string, string)"/>.</summary>
    public void Replenish(QuotaKind kind, long amount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amount);
        lock (_lock)
        {
            ref long used = ref kind == QuotaKind.Ram ? ref _ramUsed : ref _capUsed;
            if (amount > used)
                throw new InvalidOperationException($"'{Owner}': replenishing {amount} {kind} but only {used} is in use");
            used -= amount;
        }
    }

    /// <summary>Raises the limit (a session upgrade or quota received from another account).</summary>
    public void Grow(QuotaKind kind, long amount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amount);
        lock (_lock)
        {
            if (kind == QuotaKind.Ram) _ramLimit = checked(_ramLimit + amount);
            else _capLimit = checked(_capLimit + amount);
        }
    }

    /// <summary>
    /// Moves unused quota to another account: the source's limit shrinks, the target's grows. Only the
    /// unused part can move (Genode's "attempt to transfer initial quota" is this check failing); on
    /// failure neither account changes.
    /// </summary>
    public void Transfer(QuotaAccount to, QuotaKind kind, long amount, string requester)
    {
        ArgumentNullException.ThrowIfNull(to);
        ArgumentOutOfRangeException.ThrowIfNegative(amount);
        if (ReferenceEquals(to, this)) return;
        Shrink(kind, amount, requester, $"transfer_quota to '{to.Owner}'");
        to.Grow(kind, amount);
    }

    /// <summary>Lowers the limit by unused quota that leaves the account (the sending half of a transfer).</summary>
    public void Shrink(QuotaKind kind, long amount, string requester, string operation)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amount);
        lock (_lock)
        {
            ref long limit = ref kind == QuotaKind.Ram ? ref _ramLimit : ref _capLimit;
            long used = kind == QuotaKind.Ram ? _ramUsed : _capUsed;
            if (amount > limit - used)
                throw new QuotaExceededException(kind, Owner, requester, amount, used, limit, operation);
            limit -= amount;
        }
    }

    /// <summary>Sets limits and usage at once (restore puts an account back exactly as it was).</summary>
    public void Restore(QuotaSnapshot snapshot)
    {
        lock (_lock)
        {
            _ramLimit = snapshot.RamLimit;
            _ramUsed = snapshot.RamUsed;
            _capLimit = snapshot.CapLimit;
            _capUsed = snapshot.CapUsed;
        }
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var s = Snapshot();
        return $"{Owner}: ram {s.RamUsed}/{s.RamLimit}, caps {s.CapUsed}/{s.CapLimit}";
    }
}
