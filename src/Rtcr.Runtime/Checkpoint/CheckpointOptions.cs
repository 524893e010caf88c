namespace Rtcr.Checkpoint;

/// <summary>What kind of image a checkpoint produces and how it is identified.</summary>
public sealed record CheckpointOptions
{
    /// <summary>Host facts stored with the image (program name, options …).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>RAM quota the child's PD was created with.</summary>
    public long InitialRamQuota { get; init; }

    /// <summary>Capability quota the child's PD was created with.</summary>
    public long InitialCapQuota { get; init; }

    /// <summary>Id shared by the images of one child (a new one when null).</summary>
    public string? LineageId { get; init; }

    /// <summary>
    /// When set, tracked dataspaces contribute only what was written since that image (a delta);
    /// otherwise the image is full. Tracked dataspaces are re-armed either way.
    /// </summary>
    public DeltaBase? DeltaOf { get; init; }

    /// <summary>
    /// Hash each untracked dataspace (inside the pause) so that the next delta can leave out those
    /// that did not change. Only worth it for images of an incremental chain; a plain full
    /// checkpoint does not pay for it.
    /// </summary>
    public bool HashUntracked { get; init; }

    /// <summary>Default of <see cref="PauseTimeout"/>.</summary>
    public static readonly TimeSpan DefaultPauseTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long the child may take to reach its handler/step boundaries once asked to pause. A child that
    /// does not (a thread spinning inside one step, a handler that does not return) is reported with a
    /// <see cref="PauseTimeoutException"/> naming what did not stop; the pause is undone and the child runs
    /// on. <see cref="Timeout.InfiniteTimeSpan"/> waits forever.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Zero or negative (other than infinite).</exception>
    public TimeSpan PauseTimeout
    {
        get => _pauseTimeout;
        init => _pauseTimeout = value > TimeSpan.Zero || value == Timeout.InfiniteTimeSpan ? value
            : throw new ArgumentOutOfRangeException(nameof(PauseTimeout), value, "the pause timeout must be positive (or Timeout.InfiniteTimeSpan)");
    }

    private readonly TimeSpan _pauseTimeout = DefaultPauseTimeout;

    /// <summary>Adds host facts that must be read while the child is frozen (e.g. pending fault states).</summary>
    public Action<IDictionary<string, string>>? FrozenMetadata { get; init; }

    /// <summary>Fault injection (tests): asked at <see cref="Faults.FaultPoint.CheckpointPrepared"/> and <see cref="Faults.FaultPoint.CheckpointFrozen"/>.</summary>
    public Faults.IFaultInjector Faults { get; init; } = Rtcr.Faults.FaultInjector.None;
}
