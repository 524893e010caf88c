using MemoryPack;

namespace Rtcr.Checkpoint;

/// <summary>
/// A checkpoint held in the parent's memory: the manifest (capability space, session states,
/// dataspace table, pending signals, clock) plus the content of every RAM dataspace. Written to a
/// stream by <see cref="Image.ImageWriter"/> and read back, fully validated, by <see cref="Image.ImageReader"/>.
/// </summary>
public sealed class CheckpointImage(ImageManifest manifest, IReadOnlyDictionary<long, byte[]> contents)
{
    /// <summary>Everything but the memory contents.</summary>
    public ImageManifest Manifest { get; } = manifest;

    /// <summary>Content of each RAM dataspace, by the dataspace's badge at checkpoint time.</summary>
    public IReadOnlyDictionary<long, byte[]> Contents { get; } = contents;

    /// <summary>Total bytes of dataspace content.</summary>
    public long MemoryBytes => Contents.Values.Sum(c => (long)c.Length);
}

/// <summary>Everything a restore needs except memory contents; serialized with MemoryPack.</summary>
[MemoryPackable]
public sealed partial record ImageManifest
{
    /// <summary>Identifies the set of session interfaces the states were recorded with.</summary>
    public ulong SchemaId { get; init; }

    /// <summary>Label of the checkpointed child.</summary>
    public string Label { get; init; } = "";

    /// <summary>Host-defined facts about the child (program name, options, environment capabilities …).</summary>
    public Dictionary<string, string> Metadata { get; init; } = new();

    /// <summary>Kernel clock at the checkpoint, in microseconds.</summary>
    public long ClockMicroseconds { get; init; }

    /// <summary>Capacity of the child's capability space.</summary>
    public int CapabilitySlots { get; init; }

    /// <summary>RAM quota limit of the child's PD when it was created.</summary>
    public long InitialRamQuota { get; init; }

    /// <summary>Capability quota limit of the child's PD when it was created.</summary>
    public long InitialCapQuota { get; init; }

    /// <summary>The occupied capability slots, in index order.</summary>
    public List<CapabilityImage> Capabilities { get; init; } = new();

    /// <summary>The child's sessions in creation order.</summary>
    public List<SessionImage> Sessions { get; init; } = new();

    /// <summary>The RAM dataspaces whose contents the image holds.</summary>
    public List<DataspaceImage> Dataspaces { get; init; } = new();

    /// <summary>Signals submitted but not yet handled.</summary>
    public List<PendingSignalImage> PendingSignals { get; init; } = new();
}

/// <summary>One occupied capability slot.</summary>
[MemoryPackable]
public sealed partial record CapabilityImage(int Index, long Badge, string Type);

/// <summary>A session: how it was requested and its serialized state model.</summary>
[MemoryPackable]
public sealed partial record SessionImage(string Service, long Badge, string Label, long RamQuota, long CapQuota, Dictionary<string, string> Extra, byte[] State);

/// <summary>A RAM dataspace whose content is stored.</summary>
[MemoryPackable]
public sealed partial record DataspaceImage(long Badge, long Size);

/// <summary>A pending signal: the signal-context object's badge and the count.</summary>
[MemoryPackable]
public sealed partial record PendingSignalImage(long ContextBadge, int Count);
