using Rtcr.Services;

namespace Rtcr.Restore;

/// <summary>What a restore created.</summary>
/// <param name="Sessions">The recreated sessions, in restore order.</param>
/// <param name="Badges">Old → new badge of every restored session and object.</param>
public sealed record RestoreResult(IReadOnlyList<SessionEntry> Sessions, IReadOnlyDictionary<long, long> Badges);
