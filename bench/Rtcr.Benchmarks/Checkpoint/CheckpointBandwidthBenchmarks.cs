using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Rtcr.Benchmarks.Support;

namespace Rtcr.Benchmarks.Checkpoint;

/// <summary>
/// Checkpoint of a memory_writer child whose working set of 16 MiB … 1 GiB has been fully written,
/// against <c>Buffer.MemoryCopy</c> of the same bytes in the same run: into a reused buffer
/// (the bandwidth ceiling) and into a freshly allocated array (what a checkpoint has to do, since the
/// image keeps its copy). Goal: checkpoint ≥ 50% of memcpy bandwidth. The pause part of the time is
/// measured by the <c>checkpoint-pause</c> command.
/// </summary>
[Config(typeof(CheckpointBandwidthBenchmarks.Columns))]
public unsafe class CheckpointBandwidthBenchmarks
{
    private WriterFixture _writer = null!;
    private byte[] _reused = null!;

    /// <summary>Working-set size in MiB.</summary>
    [Params(16, 64, 256, 1024)]
    public int SizeMiB { get; set; }

    private long Bytes => (long)SizeMiB << 20;

    /// <summary>Starts the writer and lets it write its whole working set; touches the reused buffer.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _writer = WriterFixture.Start(Bytes, fill: true);
        _reused = GC.AllocateUninitializedArray<byte>(checked((int)Bytes), pinned: true);
        Array.Fill(_reused, (byte)1);
    }

    /// <summary>Stops the child.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _writer.Dispose();
        _reused = null!;
    }

    /// <summary>memcpy of the working set into a buffer that is reused (pages already resident).</summary>
    [Benchmark(Baseline = true)]
    public void MemcpyReused()
    {
        fixed (byte* dst = _reused) Buffer.MemoryCopy(_writer.WorkingSetPointer, dst, Bytes, Bytes);
    }

    /// <summary>memcpy into a new array each time (first-touch page faults included).</summary>
    [Benchmark]
    public byte[] MemcpyFreshArray()
    {
        var copy = GC.AllocateUninitializedArray<byte>(checked((int)Bytes));
        fixed (byte* dst = copy) Buffer.MemoryCopy(_writer.WorkingSetPointer, dst, Bytes, Bytes);
        return copy;
    }

    /// <summary>Full checkpoint: freeze, capture sessions and capabilities, copy every dataspace, thaw.</summary>
    [Benchmark]
    public Rtcr.Checkpoint.CheckpointImage Checkpoint() => _writer.Host.Checkpoint(_writer.Child);

    private sealed class Columns : ManualConfig
    {
        public Columns()
        {
            Add(new HeavyConfig());
            AddColumn(new PerUnitColumn("GB/s", nameof(SizeMiB), static (meanNs, mib) => mib * 1048576.0 / meanNs, "F2",
                "working-set bytes copied per second (10^9 B/s), from the mean"));
        }
    }
}
