using Rtcr.Faults;
using Rtcr.Node.Migration;

namespace Rtcr.Node.Tests;

/// <summary>
/// The target's files of a migration: every file renamed into place, every directory created and every
/// migration deleted is followed by a flush of the directory holding the entry (observed through the
/// <see cref="FaultPoint.DirectorySync"/> point; the real <c>fsync</c>s run too), and a migration id cannot
/// name a path outside the store.
/// </summary>
public sealed class IncomingStoreTests : IDisposable
{
    private readonly string _images = Directory.CreateTempSubdirectory("rtcr-incoming-").FullName;

    public void Dispose() => Directory.Delete(_images, recursive: true);

    private sealed class Recorder : IFaultInjector
    {
        private readonly List<(FaultPoint Point, string? Subject)> _reached = new();

        public IReadOnlyList<(FaultPoint Point, string? Subject)> Reached => _reached;

        public void Reach(FaultPoint point, object? subject)
        {
            if (point is FaultPoint.ImageRename or FaultPoint.DirectorySync) _reached.Add((point, subject as string));
        }

        public void Clear() => _reached.Clear();
    }

    [Fact]
    public void Each_rename_creation_and_deletion_is_followed_by_a_flush_of_its_directory()
    {
        var recorder = new Recorder();
        var store = new IncomingStore(_images, recorder);
        string migration = Path.Combine(store.Root, "m1");

        using (var image = store.CreateImage("m1", 0))
        {
            // incoming/ and incoming/m1/ are new: their parents are flushed before a byte arrives.
            Assert.Equal([(FaultPoint.DirectorySync, _images), (FaultPoint.DirectorySync, store.Root)], recorder.Reached);
            recorder.Clear();
            image.Append(new byte[] { 1, 2, 3 });
            store.SaveImage("m1", 0, image, "sheep", "a", "http://a");
        }
        // The state file first, then the image: each renamed, then the directory flushed.
        Assert.Equal(
            [(FaultPoint.ImageRename, Path.Combine(migration, "state")), (FaultPoint.DirectorySync, migration),
             (FaultPoint.ImageRename, Path.Combine(migration, "image-0000.rtcr")), (FaultPoint.DirectorySync, migration)],
            recorder.Reached);

        recorder.Clear();
        store.SetStage("m1", "sheep", "a", "http://a", IncomingStore.Stage.Prepared);
        Assert.Equal([(FaultPoint.ImageRename, Path.Combine(migration, "state")), (FaultPoint.DirectorySync, migration)], recorder.Reached);
        var entry = Assert.Single(store.Load());
        Assert.Equal(IncomingStore.Stage.Prepared, entry.Stage);
        Assert.Equal([Path.Combine(migration, "image-0000.rtcr")], entry.Images);

        recorder.Clear();
        store.Delete("m1");
        Assert.False(Directory.Exists(migration));
        Assert.Equal([(FaultPoint.DirectorySync, store.Root)], recorder.Reached);
    }

    [Fact]
    public void An_image_that_never_arrived_whole_leaves_nothing_after_a_restart()
    {
        var store = new IncomingStore(_images);
        // What an agent killed mid-stream leaves: the directory with a temporary file, no state.
        var image = store.CreateImage("m2", 0);
        image.Append(new byte[100]);
        Assert.Single(Directory.GetFiles(Path.Combine(store.Root, "m2")));

        var skipped = new List<string>();
        Assert.Empty(store.Load(skipped));
        Assert.Empty(skipped);
        Assert.False(Directory.Exists(Path.Combine(store.Root, "m2")));
        image.Dispose();
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("")]
    [InlineData("..")]
    public void A_migration_id_that_is_not_a_plain_name_is_refused_before_anything_is_written(string id)
    {
        var store = new IncomingStore(_images);
        Assert.Throws<ArgumentException>(() => store.CreateImage(id, 0));
        Assert.Throws<ArgumentException>(() => store.SetStage(id, "c", "a", "http://a", IncomingStore.Stage.Receiving));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_images));
    }
}
