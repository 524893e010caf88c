using Rtcr.Tracking;

namespace Rtcr.Sessions;

/// <summary>Resources a parent grants a child.</summary>
public sealed record ChildOptions
{
    /// <summary>RAM quota of the child's PD in bytes.</summary>
    public long RamQuota { get; init; } = 256L * 1024 * 1024;

    /// <summary>Capability quota of the child's PD.</summary>
    public long CapQuota { get; init; } = 1000;

    /// <summary>Size of the child's capability space.</summary>
    public int CapSlots { get; init; } = 4096;

    /// <summary>
    /// When set, the child's RAM is tracked (managed dataspaces of designated dataspaces, dirty
    /// tracking through faults) so that checkpoints after the first can be incremental.
    /// </summary>
    public TrackingOptions? Tracking { get; init; }

    /// <summary>Part of the RAM quota donated to the environment RAM session.</summary>
    public long EnvRamQuota => RamQuota - 64 * 1024;

    /// <summary>Part of the cap quota donated to the environment RAM session.</summary>
    public long EnvRamCaps => CapQuota / 2;
}
