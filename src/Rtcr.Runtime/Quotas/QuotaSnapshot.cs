namespace Rtcr.Quotas;

/// <summary>Limits and usage of a quota account at one moment.</summary>
public readonly record struct QuotaSnapshot(long RamLimit, long RamUsed, long CapLimit, long CapUsed);
