using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Rtcr.Benchmarks.Support;
using Rtcr.Image;

namespace Rtcr.Benchmarks.DataPath;

/// <summary>
/// Checkpoint to disk as <c>rtcr run --checkpoint-every</c> does it (pause and copy into the pooled
/// buffers, write the image file, fsync, rename, release the buffers) against the physical limit in
/// the same run: a <see cref="FileStream"/> write of the same number of bytes from a resident buffer
/// plus fsync (what <c>dd conv=fsync</c> does). Goal: ≤ 1.5×.
/// </summary>
[Config(typeof(HeavyConfig))]
public class CheckpointToDiskBenchmarks
{
    private WriterFixture _writer = null!;
    private string _dir = null!;
    private byte[] _bytes = null!;

    /// <summary>Working-set size in MiB.</summary>
    [Params(64, 256)]
    public int SizeMiB { get; set; }

    /// <summary>Starts the writer, fills its working set, and sizes the baseline's buffer as one image.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _writer = WriterFixture.Start((long)SizeMiB << 20, fill: true);
        _dir = Directory.CreateTempSubdirectory("rtcr-bench-").FullName;
        var image = _writer.Host.Checkpoint(_writer.Child);
        string path = Path.Combine(_dir, "probe.rtcr");
        ImageWriter.WriteFile(image, path);
        image.ReleaseBuffers();
        _bytes = GC.AllocateUninitializedArray<byte>(checked((int)new FileInfo(path).Length), pinned: true);
        Random.Shared.NextBytes(_bytes);
    }

    /// <summary>Stops the child and removes the files.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _writer.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>The limit: write the image's byte count from memory to a new file, fsync.</summary>
    [Benchmark(Baseline = true)]
    public void FileWriteFsync()
    {
        string path = Path.Combine(_dir, "dd.bin");
        using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            file.Write(_bytes);
            file.Flush(flushToDisk: true);
        }
    }

    /// <summary>Checkpoint, write the image atomically (fsync, rename), release the buffers.</summary>
    [Benchmark]
    public void CheckpointToDisk()
    {
        var image = _writer.Host.Checkpoint(_writer.Child);
        try
        {
            ImageWriter.WriteFile(image, Path.Combine(_dir, "image.rtcr"));
        }
        finally
        {
            image.ReleaseBuffers();
        }
    }
}
