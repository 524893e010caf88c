using Rtcr.Faults;
using Rtcr.Image;

namespace Rtcr.Runtime.Tests.Image;

/// <summary>
/// Atomic writes, whole and streamed: the final name holds the old or the whole new content, and once a write
/// returns, the file and its directory entry were flushed (the flush of the directory is observed through its
/// fault point; the real <c>fsync</c> of the directory runs too).
/// </summary>
public sealed class AtomicFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rtcr-atomic-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Records every fault point reached, with its subject, and fails none.</summary>
    private sealed class Recorder : IFaultInjector
    {
        private readonly Lock _lock = new();
        private readonly List<(FaultPoint Point, object? Subject)> _reached = new();

        public IReadOnlyList<(FaultPoint Point, object? Subject)> Reached
        {
            get
            {
                lock (_lock) return _reached.ToArray();
            }
        }

        public void Reach(FaultPoint point, object? subject)
        {
            lock (_lock) _reached.Add((point, subject));
        }

        /// <summary>The points reached, without the writes.</summary>
        public IReadOnlyList<FaultPoint> Steps => Reached.Select(r => r.Point).Where(p => p != FaultPoint.ImageWrite).ToArray();
    }

    private static byte[] Bytes(int n, int seed)
    {
        var b = new byte[n];
        new Random(seed).NextBytes(b);
        return b;
    }

    [Fact]
    public void A_whole_write_flushes_the_file_then_renames_it_then_flushes_its_directory()
    {
        var recorder = new Recorder();
        string path = Path.Combine(_dir, "a.bin");
        AtomicFile.Write(path, s => s.Write(Bytes(1000, 1)), recorder);

        Assert.Equal(Bytes(1000, 1), File.ReadAllBytes(path));
        Assert.Equal([FaultPoint.ImageFlush, FaultPoint.ImageRename, FaultPoint.DirectorySync], recorder.Steps);
        Assert.Equal(_dir, Assert.Single(recorder.Reached, r => r.Point == FaultPoint.DirectorySync).Subject);
    }

    [Fact]
    public void A_streamed_file_takes_its_name_only_on_commit_and_its_directory_is_flushed_after_the_rename()
    {
        var recorder = new Recorder();
        string path = Path.Combine(_dir, "image.rtcr");
        File.WriteAllBytes(path, Bytes(10, 9));
        // 9 MiB in 1 MiB pieces: past the point where the writer starts the kernel's writeback.
        var content = Bytes(9 << 20, 2);
        using (var writer = AtomicFile.Create(path, recorder))
        {
            for (int at = 0; at < content.Length; at += 1 << 20) writer.Append(content.AsSpan(at, 1 << 20));
            Assert.Equal(content.Length, writer.Length);
            Assert.Equal(content, File.ReadAllBytes(writer.TempPath));
            Assert.Equal(Bytes(10, 9), File.ReadAllBytes(path));
            writer.Flush();
            writer.Commit();
        }

        Assert.Equal(content, File.ReadAllBytes(path));
        Assert.Equal(["image.rtcr"], Directory.GetFiles(_dir).Select(Path.GetFileName));
        Assert.Equal([FaultPoint.ImageFlush, FaultPoint.ImageRename, FaultPoint.DirectorySync], recorder.Steps);
        Assert.Equal(9, recorder.Reached.Count(r => r.Point == FaultPoint.ImageWrite));
    }

    [Fact]
    public void A_commit_without_an_explicit_flush_flushes_first()
    {
        var recorder = new Recorder();
        string path = Path.Combine(_dir, "state");
        using (var writer = AtomicFile.Create(path, recorder))
        {
            writer.Append(Bytes(100, 3));
            writer.Commit();
        }
        Assert.Equal(Bytes(100, 3), File.ReadAllBytes(path));
        Assert.Equal([FaultPoint.ImageFlush, FaultPoint.ImageRename, FaultPoint.DirectorySync], recorder.Steps);
    }

    [Fact]
    public void A_streamed_file_abandoned_before_its_commit_leaves_the_previous_file_and_no_temporary_file()
    {
        string path = Path.Combine(_dir, "image.rtcr");
        File.WriteAllBytes(path, Bytes(10, 9));
        using (var writer = AtomicFile.Create(path))
            writer.Append(Bytes(5000, 4));
        Assert.Equal(Bytes(10, 9), File.ReadAllBytes(path));
        Assert.Equal(["image.rtcr"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void A_failed_directory_flush_is_reported_with_the_new_file_in_place()
    {
        string path = Path.Combine(_dir, "a.bin");
        var plan = new FaultPlan().Fail(FaultPoint.DirectorySync);
        var ex = Assert.Throws<IOException>(() => AtomicFile.Write(path, s => s.Write(Bytes(10, 5)), plan));
        Assert.IsType<InjectedFaultException>(ex.InnerException);
        Assert.Contains("flushing the directory", ex.Message);
        Assert.Contains("the new file is in place", ex.Message);
        Assert.Equal(Bytes(10, 5), File.ReadAllBytes(path));
        Assert.Equal(["a.bin"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void A_failed_flush_of_a_streamed_file_leaves_the_previous_file()
    {
        string path = Path.Combine(_dir, "image.rtcr");
        File.WriteAllBytes(path, Bytes(10, 9));
        var plan = new FaultPlan().Fail(FaultPoint.ImageFlush);
        using (var writer = AtomicFile.Create(path, plan))
        {
            writer.Append(Bytes(100, 6));
            var ex = Assert.Throws<IOException>(writer.Commit);
            Assert.Contains("flushing to disk", ex.Message);
            Assert.Contains("previous file there is untouched", ex.Message);
        }
        Assert.Equal(Bytes(10, 9), File.ReadAllBytes(path));
        Assert.Equal(["image.rtcr"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void Creating_directories_flushes_the_parent_of_each_new_one_and_deleting_flushes_the_parent()
    {
        var recorder = new Recorder();
        string nested = Path.Combine(_dir, "x", "y");
        DurableDirectory.Create(nested, recorder);
        Assert.True(Directory.Exists(nested));
        Assert.Equal([_dir, Path.Combine(_dir, "x")], recorder.Reached.Select(r => r.Subject));

        DurableDirectory.Delete(Path.Combine(_dir, "x"), recorder);
        Assert.False(Directory.Exists(Path.Combine(_dir, "x")));
        Assert.Equal(_dir, recorder.Reached[^1].Subject);
    }

    [Fact]
    public void Flushing_a_directory_that_does_not_exist_fails_with_its_name()
    {
        string missing = Path.Combine(_dir, "missing");
        if (!OperatingSystem.IsLinux())
        {
            // Only Linux flushes directories; elsewhere the call does nothing.
            DurableDirectory.Sync(missing);
            return;
        }
        var ex = Assert.Throws<IOException>(() => DurableDirectory.Sync(missing));
        Assert.Contains(missing, ex.Message);
    }
}
