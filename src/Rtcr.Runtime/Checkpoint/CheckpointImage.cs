using System.IO.Hashing;
using MemoryPack;
using Rtcr.Memory;

namespace Rtcr.Checkpoint;

/// <summary>
/// A checkpoint held in the parent's memory: the manifest (capability space, session states,
/// dataspace table, pending signals, clock) plus the content of every RAM dataspace. Written to a
/// stream by <see cref="Image.ImageWriter"/> and read back, fully validated, by <see cref="Image.ImageReader"/>.
/// </summary>
public sealed class CheckpointImage
{
    private byte[]? _manifestBytes;
    private ulong? _manifestChecksum;
    private int _released;

    private IReadOnlyDictionary<long, byte[]>? _contents;
    private readonly Image.ImageContent? _source;

    /// <summary>Creates an image from a manifest and the dataspace contents it lists.</summary>
    public CheckpointImage(ImageManifest manifest, IReadOnlyDictionary<long, byte[]> contents)
    {
        Manifest = manifest;
        _contents = contents;
    }

    // An image whose contents stay where they are (a verified file, a chain) until restore fills
    // dataspaces from them or someone asks for Contents.
    internal CheckpointImage(ImageManifest manifest, Image.ImageContent source, byte[]? manifestBytes, ulong? manifestChecksum)
    {
        Manifest = manifest;
        _source = source;
        _manifestBytes = manifestBytes;
        _manifestChecksum = manifestChecksum;
    }

    internal CheckpointImage(ImageManifest manifest, IReadOnlyDictionary<long, byte[]> contents, byte[]? manifestBytes, ulong? manifestChecksum)
        : this(manifest, contents)
    {
        _manifestBytes = manifestBytes;
        _manifestChecksum = manifestChecksum;
    }

    /// <summary>Everything but the memory contents.</summary>
    public ImageManifest Manifest { get; }

    /// <summary>
    /// Content of each RAM dataspace, by the dataspace's badge at checkpoint time: the whole
    /// dataspace, or for a delta the bytes of its <see cref="DataspaceImage.Ranges"/> one after the
    /// other — the first <see cref="DataspaceImage.StoredBytes"/> bytes of the array, which a
    /// checkpoint may lend from a kept buffer and so make longer (see <see cref="ReleaseBuffers"/>).
    /// </summary>
    /// <remarks>
    /// An image read from a file (or folded from a chain) holds no arrays until this is first asked
    /// for; restore fills dataspaces with <see cref="CopyContentTo"/> instead, without that copy.
    /// </remarks>
    public IReadOnlyDictionary<long, byte[]> Contents => _contents ??= Materialize();

    /// <summary>
    /// Writes the stored content of <paramref name="dataspace"/> into <paramref name="destination"/>,
    /// which is as long as the dataspace: the whole dataspace, or for a delta each stored range at its
    /// offset (the rest is left as it is). An image read from a file is read straight into it.
    /// </summary>
    /// <exception cref="Image.ImageFormatException">The image file changed since it was verified.</exception>
    public void CopyContentTo(DataspaceImage dataspace, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(dataspace);
        if (_contents is null && _source is not null)
        {
            _source.Apply(dataspace, destination, packed: false);
            return;
        }
        if (destination.Length != dataspace.Size)
            throw new ArgumentException($"destination has {destination.Length} bytes, dataspace {dataspace.Badge} has {dataspace.Size}", nameof(destination));
        var content = Contents[dataspace.Badge];
        if (dataspace.Ranges is null)
        {
            content.AsSpan(0, checked((int)dataspace.Size)).CopyTo(destination);
            return;
        }
        long packed = 0;
        foreach (var r in dataspace.Ranges)
        {
            content.AsSpan((int)packed, (int)r.Length).CopyTo(destination[(int)r.Offset..]);
            packed += r.Length;
        }
    }

    /// <summary>Whether the image has the content of <paramref name="dataspace"/> (all of it for a full dataspace).</summary>
    internal bool HasContent(DataspaceImage dataspace) =>
        _contents is null && _source is not null
            ? _source.Has(dataspace)
            : Contents.TryGetValue(dataspace.Badge, out var content) && (dataspace.Ranges is null ? content.Length == dataspace.Size : content.Length >= dataspace.StoredBytes);

    private Dictionary<long, byte[]> Materialize()
    {
        var contents = new Dictionary<long, byte[]>(Manifest.Dataspaces.Count);
        foreach (var ds in Manifest.Dataspaces)
        {
            var array = GC.AllocateUninitializedArray<byte>(checked((int)ds.StoredBytes)); // the stored ranges cover it
            _source!.Apply(ds, array, packed: true);
            contents[ds.Badge] = array;
        }
        return contents;
    }

    /// <summary>Total bytes of dataspace content.</summary>
    public long MemoryBytes => Manifest.Dataspaces.Sum(d => d.StoredBytes);

    /// <summary>The stored bytes of one dataspace (the part of its content array that counts).</summary>
    public ReadOnlySpan<byte> Stored(DataspaceImage dataspace) => Contents[dataspace.Badge].AsSpan(0, checked((int)dataspace.StoredBytes));

    internal IReadOnlyList<(Tracking.TrackedDataspace Owner, byte[] Buffer)> LentBuffers { get; init; } = [];

    internal IReadOnlyList<(DataspaceMemory Owner, byte[] Buffer)> PooledBuffers { get; init; } = [];

    /// <summary>
    /// Gives the buffers this image borrowed (delta buffers of tracked dataspaces, and the pooled
    /// full-copy buffers of a full image) back, for the next checkpoint of the same child to reuse
    /// (call once the image is written or sent; the contents must not be used afterwards). An image
    /// never released only costs the next checkpoint fresh buffers.
    /// </summary>
    public void ReleaseBuffers()
    {
        // Twice would give back a buffer a later checkpoint may have been lent again meanwhile.
        if (Interlocked.Exchange(ref _released, 1) != 0) return;
        foreach (var (owner, buffer) in LentBuffers) owner.ReturnDeltaBuffer(buffer);
        foreach (var (owner, buffer) in PooledBuffers) FullBufferPool.Return(owner, buffer);
    }

    /// <summary>
    /// XxHash3 of the content of each untracked dataspace, by badge, as the checkpoint saw it (not
    /// stored in the file): the next delta stores such a dataspace only when its hash changed.
    /// </summary>
    public IReadOnlyDictionary<long, ulong> ContentHashes { get; init; } = new Dictionary<long, ulong>();

    /// <summary>Whether this image holds only what changed since its parent.</summary>
    public bool IsDelta => Manifest.ParentImageId is not null;

    /// <summary>The manifest as stored in the image file.</summary>
    public byte[] ManifestBytes => _manifestBytes ??= MemoryPackSerializer.Serialize(Manifest);

    /// <summary>
    /// XxHash64 of the stored manifest: with <see cref="ImageManifest.ImageId"/> it is what a delta
    /// names its parent by. An image folded from a chain keeps the checksum of the chain's newest image.
    /// </summary>
    public ulong ManifestChecksum => _manifestChecksum ??= XxHash64.HashToUInt64(ManifestBytes);
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

    // Chain members (format version 2). Appended at the end: MemoryPack reads a version-1 manifest,
    // which lacks them, with their defaults (a full image without identity).

    /// <summary>Unique id of this image (32 hex digits); empty in version-1 images.</summary>
    public string ImageId { get; init; } = "";

    /// <summary>Id shared by every image of one child's run (and of its restored continuations).</summary>
    public string LineageId { get; init; } = "";

    /// <summary>For a delta, the <see cref="ImageId"/> of the image it applies to; null for a full image.</summary>
    public string? ParentImageId { get; init; }

    /// <summary>For a delta, the parent's <see cref="CheckpointImage.ManifestChecksum"/>.</summary>
    public ulong ParentManifestChecksum { get; init; }

    /// <summary>For a delta, the file name the parent was written under (a hint; the directory is searched otherwise).</summary>
    public string? ParentFileName { get; init; }

    /// <summary>Number of deltas between this image and the full image its chain starts with (0 for a full image).</summary>
    public int ChainDepth { get; init; }
}

/// <summary>One occupied capability slot.</summary>
[MemoryPackable]
public sealed partial record CapabilityImage(int Index, long Badge, string Type);

/// <summary>A session: how it was requested and its serialized state model.</summary>
[MemoryPackable]
public sealed partial record SessionImage(string Service, long Badge, string Label, long RamQuota, long CapQuota, Dictionary<string, string> Extra, byte[] State)
{
    // Appended members: MemoryPack reads an older session entry, which lacks them, as null.

    /// <summary>
    /// RAM quota the client paid for upgrades of this session through its parent, which closing the session
    /// refunds. It can be less than the recorded upgrades: quota moved in by <c>transfer_quota</c> is recorded
    /// as an upgrade too, but the client's account never lent it. Null in older images (the recorded upgrade is taken).
    /// </summary>
    public long? PaidRam { get; init; }

    /// <summary>Capability quota the client paid for upgrades of this session (see <see cref="PaidRam"/>).</summary>
    public long? PaidCaps { get; init; }
}

/// <summary>A RAM dataspace whose content is stored.</summary>
[MemoryPackable]
public sealed partial record DataspaceImage(long Badge, long Size)
{
    /// <summary>
    /// For a delta: the ranges whose bytes this image holds, sorted and disjoint; the rest is as in
    /// the parent image's dataspace <see cref="BaseBadge"/>, or zero when the parent has none. Null
    /// means the whole dataspace is stored.
    /// </summary>
    public List<MemoryRange>? Ranges { get; init; }

    /// <summary>Badge of the same dataspace in the parent image (0: the dataspace is new since the parent).</summary>
    public long BaseBadge { get; init; }

    /// <summary>Bytes of content stored for this dataspace.</summary>
    public long StoredBytes => Ranges is null ? Size : Ranges.Sum(r => r.Length);
}

/// <summary>A pending signal: the signal-context object's badge and the count.</summary>
[MemoryPackable]
public sealed partial record PendingSignalImage(long ContextBadge, int Count);
