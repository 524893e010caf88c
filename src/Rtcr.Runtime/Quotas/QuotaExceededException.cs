namespace Rtcr.Quotas;

/// <summary>A request needed more quota than an account has left.</summary>
public sealed class QuotaExceededException : Exception
{
    /// <summary>Creates the exception.</summary>
    public QuotaExceededException(QuotaKind kind, string account, string requester, long requested, long used, long limit, string operation)
        : base($"{operation}: {(kind == QuotaKind.Ram ? "ram_quota" : "cap_quota")} of '{account}' exceeded: " +
               $"'{requester}' asked for {requested}, {used} of {limit} already used ({Math.Max(0, limit - used)} left)")
    {
        Kind = kind;
        Account = account;
        Requester = requester;
        Requested = requested;
        Used = used;
        Limit = limit;
    }

    /// <summary>Which quota ran out.</summary>
    public QuotaKind Kind { get; }
    /// <summary>The account that had too little.</summary>
    public string Account { get; }
    /// <summary>Who asked.</summary>
    public string Requester { get; }
    /// <summary>How much was asked for.</summary>
    public long Requested { get; }
    /// <summary>How much was already used.</summary>
    public long Used { get; }
    /// <summary>The account's limit.</summary>
    public long Limit { get; }
}
