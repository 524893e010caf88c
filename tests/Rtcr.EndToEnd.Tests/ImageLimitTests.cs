using MemoryPack;
using Rtcr.Checkpoint;
using Rtcr.Fuzz;
using Rtcr.Image;
using Rtcr.Memory;
using Rtcr.Sessions;

namespace Rtcr.EndToEnd.Tests;

/// <summary>
/// The reader's structural limits (docs/fuzzing.md, "What is checked, where") at their exact
/// boundaries: the last accepted value is read, the first value past it is an
/// <see cref="ImageFormatException"/>. Written for the mutants Stryker.NET left alive in
/// <c>ImageValidation</c> (a limit moved by one, a comparison weakened), which every test that only
/// used far-out values let pass.
/// </summary>
public sealed class ImageLimitTests
{
    // The documented limits (docs/fuzzing.md; ImageLayout is internal to Rtcr.Runtime).
    private const long MaxClockMicroseconds = 1L << 53;
    private const int MaxCapabilitySlots = 1 << 20;

    private static readonly Lazy<SeedImage> s_sheep = new(() => SeedImage.Create("sheep_counter", "<config start=\"7\" interval_ms=\"250\"/>", 3, ImageCompression.None));

    [Fact]
    public void The_clock_is_read_up_to_its_limit_and_refused_past_it()
    {
        Assert.Equal(MaxClockMicroseconds, Read(m => m with { ClockMicroseconds = MaxClockMicroseconds }).Manifest.ClockMicroseconds);
        Assert.Equal(0, Read(m => m with { ClockMicroseconds = 0 }).Manifest.ClockMicroseconds);
        Refused("clock", m => m with { ClockMicroseconds = MaxClockMicroseconds + 1 });
        Refused("clock", m => m with { ClockMicroseconds = -1 });
    }

    [Fact]
    public void The_capability_space_is_read_from_one_slot_per_capability_up_to_its_limit()
    {
        int used = s_sheep.Value.Image.Manifest.Capabilities.Count;
        Assert.Equal(used, Read(m => m with { CapabilitySlots = used }).Manifest.CapabilitySlots);
        Assert.Equal(MaxCapabilitySlots, Read(m => m with { CapabilitySlots = MaxCapabilitySlots }).Manifest.CapabilitySlots);
        Refused("do not fit", m => m with { CapabilitySlots = used - 1 });
        Refused("capability space", m => m with { CapabilitySlots = MaxCapabilitySlots + 1 });
        Refused("capability space", m => m with { CapabilitySlots = 0, Capabilities = [] });
    }

    [Fact]
    public void Initial_quotas_of_zero_are_read_and_negative_ones_refused()
    {
        var read = Read(m => m with { InitialRamQuota = 0, InitialCapQuota = 0 }).Manifest;
        Assert.Equal((0, 0), (read.InitialRamQuota, read.InitialCapQuota));
        Refused("initial quota", m => m with { InitialRamQuota = -1 });
        Refused("initial quota", m => m with { InitialCapQuota = -1 });
    }

    [Fact]
    public void The_chain_depth_is_read_up_to_the_longest_chain_and_refused_past_it()
    {
        Assert.Equal(ImageChain.MaxDepth, Read(m => m with { ChainDepth = ImageChain.MaxDepth }).Manifest.ChainDepth);
        Refused("chain depth", m => m with { ChainDepth = ImageChain.MaxDepth + 1 });
        Refused("chain depth", m => m with { ChainDepth = -1 });
    }

    [Fact]
    public void A_pending_signal_needs_at_least_one_signal()
    {
        var context = s_sheep.Value.Image.Manifest.Capabilities[0].Badge;
        Assert.Single(Read(m => m with { PendingSignals = [new PendingSignalImage(context, 1)] }).Manifest.PendingSignals);
        Refused("pending signal", m => m with { PendingSignals = [new PendingSignalImage(context, 0)] });
    }

    [Fact]
    public void A_dataspace_may_fill_its_last_range_exactly_and_not_a_byte_more()
    {
        var ds = s_sheep.Value.Image.Manifest.Dataspaces.MaxBy(d => d.Size)!;
        const long page = 64;
        ImageManifest WithRanges(params MemoryRange[] ranges) =>
            s_sheep.Value.Image.Manifest with { Dataspaces = s_sheep.Value.Image.Manifest.Dataspaces.Select(d => d.Badge == ds.Badge ? d with { Ranges = [.. ranges] } : d).ToList() };

        // Ranges that end exactly at the dataspace's end pass the range check (the image's slices, cut
        // for the whole dataspace, are then refused for another reason).
        var passes = Record.Exception(() => Read(_ => WithRanges(new MemoryRange(0, page), new MemoryRange(page, ds.Size - page))));
        Assert.DoesNotContain("has a range", passes?.Message ?? "");
        Refused("has a range", _ => WithRanges(new MemoryRange(0, page), new MemoryRange(page, ds.Size - page + 1)));
        Refused("has a range", _ => WithRanges(new MemoryRange(0, page), new MemoryRange(page - 1, page)));
        Refused("has a range", _ => WithRanges(new MemoryRange(0, 0)));
        Refused("has a range", _ => WithRanges(new MemoryRange(-1, page)));
    }

    private static CheckpointImage Read(Func<ImageManifest, ImageManifest> change) =>
        ImageReader.Read(new MemoryStream(Craft(change)), "crafted", SessionRecorders.Schema);

    private static void Refused(string expected, Func<ImageManifest, ImageManifest> change)
    {
        var ex = Assert.Throws<ImageFormatException>(() => Read(change));
        Assert.Contains(expected, ex.Message);
    }

    private static byte[] Craft(Func<ImageManifest, ImageManifest> change) =>
        ImageBytes.WithManifest(s_sheep.Value.Bytes, MemoryPackSerializer.Serialize(change(s_sheep.Value.Image.Manifest)));
}
