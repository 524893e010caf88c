using Rtcr.Checkpoint;
using Rtcr.Fuzz;
using Rtcr.Image;
using Rtcr.Memory;
using Rtcr.Restore;
using Rtcr.Sessions;

namespace Rtcr.EndToEnd.Tests;

/// <summary>
/// The structural checks every manifest passes before anything is made from it (the reader's and
/// <see cref="ManifestValidator"/>'s first step): every required field and table entry present, each
/// table within its documented limit (docs/fuzzing.md) — the last accepted size passes the structural
/// check (and is then judged by the semantic ones, a <see cref="RestoreException"/>), one more is an
/// <see cref="ImageFormatException"/>. Written for the mutants Stryker.NET left alive in
/// <c>ImageValidation</c>: a null check joined with <c>&amp;&amp;</c> instead of <c>||</c>, a limit
/// moved by one or scaled, which no image of a real child comes near.
/// </summary>
public sealed class ManifestStructureTests
{
    // The documented limits (docs/fuzzing.md; ImageLayout is internal to Rtcr.Runtime).
    private const int MaxSessions = 1 << 16;
    private const int MaxDataspaces = 1 << 20;
    private const int MaxPendingSignals = MaxSessions * 16;

    private static readonly Lazy<SeedImage> s_sheep = new(() => SeedImage.Create("sheep_counter", "<config start=\"7\" interval_ms=\"250\"/>", 3, ImageCompression.None));

    private static ImageManifest Seed => s_sheep.Value.Image.Manifest;

    [Theory]
    [InlineData("label")]
    [InlineData("metadata")]
    [InlineData("capabilities")]
    [InlineData("sessions")]
    [InlineData("dataspaces")]
    [InlineData("pending signals")]
    public void A_manifest_without_one_of_its_fields_is_a_format_error(string field)
    {
        var m = field switch
        {
            "label" => Seed with { Label = null! },
            "metadata" => Seed with { Metadata = null! },
            "capabilities" => Seed with { Capabilities = null! },
            "sessions" => Seed with { Sessions = null! },
            "dataspaces" => Seed with { Dataspaces = null! },
            _ => Seed with { PendingSignals = null! },
        };
        Structural("lacks a required field", m);
    }

    [Fact]
    public void A_metadata_entry_without_a_value_is_a_format_error()
    {
        Structural("metadata 'program' has no value", Seed with { Metadata = new(Seed.Metadata) { ["program"] = null! } });
    }

    [Fact]
    public void An_empty_capability_entry_or_one_without_a_type_is_a_format_error()
    {
        Structural("capability slot entry is empty", Seed with { Capabilities = [null!, .. Seed.Capabilities.Skip(1)] });
        Structural("capability slot entry is empty", Seed with { Capabilities = [Seed.Capabilities[0] with { Type = null! }, .. Seed.Capabilities.Skip(1)] });
    }

    [Theory]
    [InlineData("entry")]
    [InlineData("service")]
    [InlineData("label")]
    [InlineData("arguments")]
    [InlineData("state")]
    public void A_session_entry_missing_a_part_is_a_format_error(string part)
    {
        var first = Seed.Sessions[0];
        SessionImage broken = part switch
        {
            "entry" => null!,
            "service" => first with { Service = null! },
            "label" => first with { Label = null! },
            "arguments" => first with { Extra = null! },
            _ => first with { State = null! },
        };
        Structural("session entry lacks", Seed with { Sessions = [broken, .. Seed.Sessions.Skip(1)] });
    }

    [Fact]
    public void A_session_argument_without_a_value_is_a_format_error()
    {
        var first = Seed.Sessions[0];
        var broken = first with { Extra = new(first.Extra) { ["probe"] = null! } };
        Structural($"session '{first.Service}' argument 'probe' has no value", Seed with { Sessions = [broken, .. Seed.Sessions.Skip(1)] });
    }

    [Fact]
    public void Empty_dataspace_and_pending_signal_entries_are_format_errors()
    {
        Structural("dataspace entry is empty", Seed with { Dataspaces = [null!, .. Seed.Dataspaces] });
        Structural("pending signal entry is empty", Seed with { PendingSignals = [null!] });
        Structural("pending signal entry is empty", Seed with { PendingSignals = [new PendingSignalImage(Seed.Capabilities[0].Badge, -1)] });
    }

    [Fact]
    public void The_session_table_is_read_up_to_its_limit()
    {
        // The last size allowed passes the structure check; a table of copies of one session is then refused for its badges.
        var atLimit = Assert.Throws<RestoreException>(() => Validate(Seed with { Sessions = Enumerable.Repeat(Seed.Sessions[0], MaxSessions).ToList() }));
        Assert.Contains("used twice", atLimit.Message);
        Structural($"{MaxSessions + 1} sessions (at most {MaxSessions})", Seed with { Sessions = Enumerable.Repeat(Seed.Sessions[0], MaxSessions + 1).ToList() });
    }

    [Fact]
    public void The_dataspace_table_is_read_up_to_its_limit()
    {
        var atLimit = Assert.Throws<RestoreException>(() => Validate(Seed with { Dataspaces = Enumerable.Repeat(Seed.Dataspaces[0], MaxDataspaces).ToList() }));
        Assert.Contains("listed twice", atLimit.Message);
        Structural($"{MaxDataspaces + 1} dataspaces (at most {MaxDataspaces})", Seed with { Dataspaces = Enumerable.Repeat(Seed.Dataspaces[0], MaxDataspaces + 1).ToList() });
    }

    [Fact]
    public void The_pending_signals_are_read_up_to_their_limit()
    {
        // A pending signal for a session's badge: past the structure check it is refused for its target.
        long session = Seed.Sessions[0].Badge;
        var atLimit = Assert.Throws<RestoreException>(() => Validate(Seed with { PendingSignals = Enumerable.Repeat(new PendingSignalImage(session, 1), MaxPendingSignals).ToList() }));
        Assert.Contains("pending signal targets", atLimit.Message);
        Structural($"{MaxPendingSignals + 1} pending signals", Seed with { PendingSignals = Enumerable.Repeat(new PendingSignalImage(session, 1), MaxPendingSignals + 1).ToList() });
    }

    [Fact]
    public void A_dataspace_size_is_read_from_zero_to_the_largest_array_and_refused_outside()
    {
        var ds = Seed.Dataspaces[0];
        // Zero bytes: no structural problem (the semantic checks accept an empty dataspace too).
        Assert.NotNull(Validate(WithDataspace(ds with { Size = 0 })));
        // The largest array: structurally fine, then more memory than the child's RAM quota.
        var largest = Assert.Throws<RestoreException>(() => Validate(WithDataspace(ds with { Size = Array.MaxLength })));
        Assert.Contains($"hold {Seed.Dataspaces.Sum(d => d.Size) - ds.Size + Array.MaxLength} bytes", largest.Message);
        Structural($"invalid size {Array.MaxLength + 1L}", WithDataspace(ds with { Size = Array.MaxLength + 1L }));
        Structural("invalid size -1", WithDataspace(ds with { Size = -1 }));
    }

    [Fact]
    public void A_dataspace_may_list_one_range_per_byte_and_not_more()
    {
        var ds = Seed.Dataspaces[0] with { Size = 2 };
        Write(ds with { Ranges = [new MemoryRange(0, 1), new MemoryRange(1, 1)] }); // as many ranges as bytes: written
        var ex = Assert.Throws<ArgumentException>(() => Write(ds with { Ranges = [new MemoryRange(0, 1), new MemoryRange(1, 1), new MemoryRange(2, 1)] }));
        Assert.Contains("(2 bytes) lists 3 ranges", ex.Message);
    }

    private static ImageManifest WithDataspace(DataspaceImage changed) =>
        Seed with { Dataspaces = Seed.Dataspaces.Select(d => d.Badge == changed.Badge ? changed : d).ToList() };

    private static RestorePlan Validate(ImageManifest manifest) =>
        ManifestValidator.Validate(new CheckpointImage(manifest, new Dictionary<long, byte[]>()), SessionRecorders.CreateRegistry());

    private static void Structural(string expected, ImageManifest manifest)
    {
        var ex = Assert.Throws<ImageFormatException>(() => Validate(manifest));
        Assert.Equal(ImageError.Corrupted, ex.Error);
        Assert.Contains(expected, ex.Message);
    }

    // The writer checks a dataspace's ranges first (ImageValidation.RangesProblem) and its content after.
    private static void Write(DataspaceImage ds)
    {
        var manifest = Seed with { Dataspaces = [ds] };
        ImageWriter.Write(new CheckpointImage(manifest, new Dictionary<long, byte[]> { [ds.Badge] = new byte[ds.StoredBytes] }), Stream.Null);
    }
}
