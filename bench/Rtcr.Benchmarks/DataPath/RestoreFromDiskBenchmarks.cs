using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Rtcr.Benchmarks.Support;
using Rtcr.Image;
using Rtcr.Samples;
using Rtcr.Sessions;

namespace Rtcr.Benchmarks.DataPath;

/// <summary>
/// Restore from an image file (verify pass, sessions and objects, dataspaces filled straight from
/// the file) against the limit in the same run: reading the file into a resident buffer plus one
/// memcpy of it, into a resident buffer (the ceiling) and into freshly allocated memory (which a
/// restore must use: the child's new RAM). The file is in the page cache for all three, as for
/// <c>cat</c>. Goal: ≤ 2× the baseline.
/// </summary>
[Config(typeof(HeavyConfig))]
public unsafe class RestoreFromDiskBenchmarks
{
    private string _dir = null!;
    private string _path = null!;
    private byte[] _read = null!;
    private byte[] _copy = null!;
    private ComponentHost _host = null!;
    private long _clock;

    /// <summary>Working-set size in MiB.</summary>
    [Params(64, 256)]
    public int SizeMiB { get; set; }

    /// <summary>Writes the image once; sizes and touches the baseline buffers.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _dir = Directory.CreateTempSubdirectory("rtcr-bench-").FullName;
        _path = Path.Combine(_dir, "image.rtcr");
        using (var writer = WriterFixture.Start((long)SizeMiB << 20, fill: true))
        {
            var image = writer.Host.Checkpoint(writer.Child);
            ImageWriter.WriteFile(image, _path);
            image.ReleaseBuffers();
            _clock = image.Manifest.ClockMicroseconds;
        }
        int length = checked((int)new FileInfo(_path).Length);
        _read = GC.AllocateUninitializedArray<byte>(length, pinned: true);
        _copy = GC.AllocateUninitializedArray<byte>(length, pinned: true);
        Array.Fill(_read, (byte)1);
        Array.Fill(_copy, (byte)1);
    }

    /// <summary>Removes the file.</summary>
    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    /// <summary>A fresh host per restore (not timed).</summary>
    [IterationSetup(Target = nameof(RestoreFromDisk))]
    public void NewHost() => _host = new ComponentHost(startMicroseconds: _clock);

    /// <summary>Drops the restored child.</summary>
    [IterationCleanup(Target = nameof(RestoreFromDisk))]
    public void DropHost() => _host.Dispose();

    /// <summary>The limit: read the file into memory, copy it once into resident memory.</summary>
    [Benchmark(Baseline = true)]
    public void ReadAndMemcpy()
    {
        ReadAll(_read);
        fixed (byte* src = _read, dst = _copy) Buffer.MemoryCopy(src, dst, _copy.Length, _read.Length);
    }

    /// <summary>The same, the copy going into freshly allocated memory (first-touch page faults included).</summary>
    [Benchmark]
    public void ReadAndMemcpyFresh()
    {
        ReadAll(_read);
        void* fresh = System.Runtime.InteropServices.NativeMemory.Alloc((nuint)_read.Length);
        try
        {
            fixed (byte* src = _read) Buffer.MemoryCopy(src, fresh, _read.Length, _read.Length);
        }
        finally
        {
            System.Runtime.InteropServices.NativeMemory.Free(fresh);
        }
    }

    /// <summary>
    /// The same into fresh memory that is first backed the way a restored dataspace is: one
    /// <c>madvise(MADV_POPULATE_WRITE)</c> over the new range, then the copy (no page fault per page).
    /// </summary>
    [Benchmark]
    public void ReadAndMemcpyFreshPopulated()
    {
        ReadAll(_read);
        void* fresh = System.Runtime.InteropServices.NativeMemory.AlignedAlloc((nuint)_read.Length, 4096);
        try
        {
            Rtcr.Memory.PageBacking.Back((byte*)fresh, _read.Length);
            fixed (byte* src = _read) Buffer.MemoryCopy(src, fresh, _read.Length, _read.Length);
        }
        finally
        {
            System.Runtime.InteropServices.NativeMemory.AlignedFree(fresh);
        }
    }

    /// <summary><c>rtcr restore</c>'s work: verify the file, rebuild the child, fill its memory from the file.</summary>
    [Benchmark]
    public Child RestoreFromDisk()
    {
        var image = ImageReader.ReadFile(_path, SessionRecorders.Schema);
        return _host.Restore(image, SampleCatalog.Create);
    }

    private void ReadAll(byte[] into)
    {
        using var file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        file.ReadExactly(into);
    }
}
