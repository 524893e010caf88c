using Rtcr.Checkpoint;
using Rtcr.Image;

namespace Rtcr.Samples.Notes;

/// <summary>
/// The whole path end to end: start a component that uses the notes service, checkpoint it, write the
/// image to bytes, read it back and restore it into a fresh host (a new kernel), then compare what the
/// component sees before and after.
/// </summary>
public static class NotesDemo
{
    /// <summary>What the demo observed.</summary>
    /// <param name="Before">The child's view of its notes when it was checkpointed.</param>
    /// <param name="After">The restored child's view, on a fresh kernel.</param>
    public sealed record Result(string Before, string After);

    /// <summary>Runs the demo.</summary>
    public static Result Run()
    {
        byte[] bytes;
        string before;
        ulong schema;
        using (var host = NotesService.CreateHost())
        {
            var child = host.Start(new NoteTaker(), "<config/>");
            before = NoteTaker.Describe(child.Env);
            var image = host.Checkpoint(child);
            using var stream = new MemoryStream();
            ImageWriter.Write(image, stream);
            bytes = stream.ToArray();
            // An image names the session schema it was recorded with; a host without the notes service would refuse it.
            schema = SchemaId.Of(host.Parent.Recorders!);
        }

        var read = ImageReader.Read(new MemoryStream(bytes), "notes image", schema);
        using var fresh = NotesService.CreateHost(read.Manifest.ClockMicroseconds);
        var restored = fresh.Restore(read, name => name == "note_taker" ? new NoteTaker() : throw new ArgumentException($"unknown program '{name}'"));
        return new Result(before, NoteTaker.Describe(restored.Env));
    }
}
