using Rtcr.Restore;
using Rtcr.Checkpoint;
using Rtcr.Image;
using Rtcr.Samples.Notes;
using Rtcr.Sessions;

namespace Rtcr.EndToEnd.Tests;

/// <summary>The newcomer's sample (samples/Rtcr.Samples.Notes, docs/adding-a-service.md) does what the guide says.</summary>
public sealed class NotesSampleTests
{
    [Fact]
    public void Notes_sample_restores_the_new_service_exactly()
    {
        var result = NotesDemo.Run();

        Assert.Equal("notes: 2\nshopping: milk, bread\ntodo: write the report (pinned)\n", result.Before);
        Assert.Equal(result.Before, result.After);
    }

    [Fact]
    public void A_host_without_the_notes_service_refuses_the_image()
    {
        using var host = NotesService.CreateHost();
        var child = host.Start(new NoteTaker(), "<config/>");
        using var stream = new MemoryStream();
        ImageWriter.Write(host.Checkpoint(child), stream);
        stream.Position = 0;

        // The core-only host has no Notes replayer: the restore is refused before anything is created.
        Assert.NotEqual(SessionRecorders.Schema, SchemaId.Of(host.Parent.Recorders!));
        var image = ImageReader.Read(stream, "notes image", SessionRecorders.Schema);
        using var coreOnly = new ComponentHost(startMicroseconds: image.Manifest.ClockMicroseconds);
        int objects = coreOnly.Kernel.Objects.Count;
        var error = Assert.Throws<RestoreException>(() => coreOnly.Restore(image, _ => new NoteTaker()));
        Assert.Contains("Notes", error.Message);
        Assert.Equal(objects, coreOnly.Kernel.Objects.Count);
    }
}
