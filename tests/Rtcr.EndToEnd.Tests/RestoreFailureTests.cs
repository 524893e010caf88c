using Rtcr.Checkpoint;
using Rtcr.EndToEnd.Tests.Harness;
using Rtcr.Recording;
using Rtcr.Restore;
using Rtcr.Samples;
using Rtcr.Sessions;

namespace Rtcr.EndToEnd.Tests;

/// <summary>A restore that fails midway tears down what it created and leaves the running system and the image untouched.</summary>
public sealed class RestoreFailureTests
{
    [Fact]
    public void Missing_object_fails_with_an_error_naming_it_and_rolls_back()
    {
        var (source, _, image) = Images.Checkpointed(Scenario.WriterRandom, 2);
        using var _s = source;
        // Drop the RAM session: the address space's recorded attachments then name dataspaces that do not exist.
        var manifest = image.Manifest with { Sessions = image.Manifest.Sessions.Where(s => s.Service != "RAM").ToList() };
        var broken = new CheckpointImage(manifest, image.Contents);
        var imageBefore = Fingerprint(image);

        using var host = new ComponentHost(startMicroseconds: manifest.ClockMicroseconds);
        var bystander = host.Start(new SheepCounter(), "<config start=\"1\" interval_ms=\"100\"/>");
        host.RunTicks(bystander, 2);
        string bystanderBefore = ChildState.Dump(host, bystander);
        int objectsBefore = host.Kernel.Objects.Count;
        int sessionsBefore = host.Parent.Sessions.Count;

        // Found by the manifest validation now, before anything is created: the error names the badge no session has.
        long ramSession = image.Manifest.Sessions.Single(s => s.Service == "RAM").Badge;
        var ex = Assert.Throws<RestoreException>(() => host.Restore(broken, SampleCatalog.Create));
        Assert.Contains($"badge {ramSession}", ex.Message);

        Assert.Equal(objectsBefore, host.Kernel.Objects.Count);
        Assert.Equal(sessionsBefore, host.Parent.Sessions.Count);
        Assert.Equal(bystanderBefore, ChildState.Dump(host, bystander));
        host.RunTicks(bystander, 4);
        Assert.Equal(4, host.Ticks(bystander));
        Assert.Equal(imageBefore, Fingerprint(image));
    }

    [Fact]
    public void Unknown_service_in_image_is_refused_before_anything_is_created()
    {
        var (source, _, image) = Images.Checkpointed(Scenario.Sheep, 1);
        using var _s = source;
        var sessions = image.Manifest.Sessions.Select(s => s.Service == "LOG" ? s with { Service = "Nonexistent" } : s).ToList();
        var broken = new CheckpointImage(image.Manifest with { Sessions = sessions }, image.Contents);
        using var host = new ComponentHost(startMicroseconds: image.Manifest.ClockMicroseconds);
        int objectsBefore = host.Kernel.Objects.Count;
        var ex = Assert.Throws<RestoreException>(() => host.Restore(broken, SampleCatalog.Create));
        Assert.Contains("Nonexistent", ex.Message);
        Assert.Equal(objectsBefore, host.Kernel.Objects.Count);
        Assert.Empty(host.Parent.Sessions);
    }

    [Fact]
    public void Corrupt_session_state_is_refused_before_anything_is_created()
    {
        var (source, _, image) = Images.Checkpointed(Scenario.Sheep, 1);
        using var _s = source;
        var sessions = image.Manifest.Sessions.Select(s => s.Service == "CPU" ? s with { State = s.State[..3] } : s).ToList();
        var broken = new CheckpointImage(image.Manifest with { Sessions = sessions }, image.Contents);
        using var host = new ComponentHost(startMicroseconds: image.Manifest.ClockMicroseconds);
        // Typed as every refusal of a damaged image is (it was the reader's StateFormatException before).
        var ex = Assert.Throws<Rtcr.Image.ImageFormatException>(() => host.Restore(broken, SampleCatalog.Create));
        Assert.Contains("CPU", ex.Message);
        Assert.Empty(host.Parent.Sessions);
    }

    [Fact]
    public void Restoring_into_a_kernel_whose_clock_is_behind_the_image_is_refused()
    {
        var (source, _, image) = Images.Checkpointed(Scenario.Sheep, 3);
        using var _s = source;
        using var host = new ComponentHost();
        var ex = Assert.Throws<RestoreException>(() => host.Restore(image, SampleCatalog.Create));
        Assert.Contains("startMicroseconds", ex.Message);
    }

    // The image's manifest and contents as bytes (the file header carries a write time, so files differ).
    private static string Fingerprint(CheckpointImage image) =>
        Convert.ToHexString(MemoryPack.MemoryPackSerializer.Serialize(image.Manifest)) + string.Concat(image.Contents.OrderBy(c => c.Key).Select(c => Convert.ToHexString(System.IO.Hashing.XxHash3.Hash(c.Value))));
}
