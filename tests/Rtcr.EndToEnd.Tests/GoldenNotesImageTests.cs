using Rtcr.Checkpoint;
using Rtcr.Image;
using Rtcr.Recording;
using Rtcr.Samples.Notes;

namespace Rtcr.EndToEnd.Tests;

/// <summary>
/// An image of the Notes sample (a service added as docs/adding-a-service.md describes: a session that created
/// RPC objects, each with its own settings) written by the build that introduced state format 2, which every
/// later build must restore. If this fails, a change broke images of this format: make it compatible (see
/// docs/schema-compatibility.md) — do not regenerate the image to make the test pass.
/// </summary>
public sealed class GoldenNotesImageTests
{
    private const string Described = "notes: 2\nshopping: milk, bread\ntodo: write the report (pinned)\n";

    private static string GoldenPath => Path.Combine(AppContext.BaseDirectory, "Golden", "notes-v2.rtcr");

    [Fact]
    public void Golden_notes_image_holds_format_2_states()
    {
        var image = ImageReader.ReadFile(GoldenPath);

        Assert.Contains(image.Manifest.Sessions, s => s.Service == NotesService.Name);
        foreach (var session in image.Manifest.Sessions)
        {
            var reader = new StateReader(session.State);
            Assert.Equal(session.Service, reader.ReadRequiredString());
            Assert.Equal(StateFormat.TaggedFormat, reader.ReadInt32());
        }
    }

    [Fact]
    public void Golden_notes_image_restores_the_notes_and_their_settings()
    {
        using var probe = NotesService.CreateHost();
        var image = ImageReader.ReadFile(GoldenPath, SchemaId.Of(probe.Parent.Recorders!));
        using var host = NotesService.CreateHost(image.Manifest.ClockMicroseconds);

        var child = host.Restore(image, name => name == "note_taker" ? new NoteTaker() : throw new ArgumentException($"unknown program '{name}'"));

        Assert.Equal(Described, NoteTaker.Describe(child.Env));
    }
}
