using Rtcr.EndToEnd.Tests.Harness;
using Rtcr.Checkpoint;
using Rtcr.Image;
using Rtcr.Recording;
using Rtcr.Samples.Notes;
using Rtcr.Samples;
using Rtcr.Sessions;

namespace Rtcr.EndToEnd.Tests;

/// <summary>
/// An image written by an earlier build (format v1, the core session schema of issue 12) that every later
/// build must restore. If this fails, a change broke old images: make it compatible (see
/// docs/schema-compatibility.md) — do not regenerate the image to make the test pass.
/// </summary>
public sealed class GoldenImageTests
{
    private static string GoldenPath => Path.Combine(AppContext.BaseDirectory, "Golden", "sheep_counter-v1.rtcr");

    [Fact]
    public void Golden_image_is_read_under_the_current_schema()
    {
        var image = ImageReader.ReadFile(GoldenPath, SessionRecorders.Schema);

        Assert.Equal("sheep_counter", image.Manifest.Label);
        Assert.Equal(300_000, image.Manifest.ClockMicroseconds);
    }

    [Fact]
    public void Golden_image_restores_and_counts_on_where_it_stopped()
    {
        var image = ImageReader.ReadFile(GoldenPath, SessionRecorders.Schema);
        using var host = new ComponentHost(startMicroseconds: image.Manifest.ClockMicroseconds);

        var child = host.Restore(image, SampleCatalog.Create);
        host.RunTicks(child, 2);

        // It was checkpointed after "3 sheep": the restored counter goes on at 4, on the same 100 ms timer.
        Assert.Equal(["[sheep_counter] 4 sheep. zzZ", "[sheep_counter] 5 sheep. zzZ"], CheckpointHarness.Lines(host));
        Assert.Equal(500_000, host.Kernel.Clock.NowMicroseconds);
    }

    [Fact]
    public void Golden_image_holds_format_1_states_so_reading_older_shapes_is_exercised()
    {
        var image = ImageReader.ReadFile(GoldenPath);

        Assert.NotEmpty(image.Manifest.Sessions);
        foreach (var session in image.Manifest.Sessions)
        {
            var reader = new StateReader(session.State);
            Assert.Equal(session.Service, reader.ReadRequiredString());
            Assert.NotEqual(StateFormat.TaggedFormat, reader.ReadInt32());
        }
    }

    [Fact]
    public void Golden_image_restores_under_another_session_schema_id()
    {
        // A host with one more service has another schema id than the one the image carries: that alone must
        // not refuse the image (docs/schema-compatibility.md); its session states decide, and they are readable.
        var image = ImageReader.ReadFile(GoldenPath, SessionRecorders.Schema);
        using var host = NotesService.CreateHost(image.Manifest.ClockMicroseconds);
        Assert.NotEqual(image.Manifest.SchemaId, SchemaId.Of(host.Parent.Recorders!));

        var child = host.Restore(image, SampleCatalog.Create);
        host.RunTicks(child, 1);

        Assert.Equal(["[sheep_counter] 4 sheep. zzZ"], CheckpointHarness.Lines(host));
    }
}
