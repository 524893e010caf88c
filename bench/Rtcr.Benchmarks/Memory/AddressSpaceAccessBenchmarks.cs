using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Rtcr.Benchmarks.Support;
using Rtcr.Memory;

namespace Rtcr.Benchmarks.Memory;

/// <summary>
/// 8-byte reads and writes over a 64 MiB working set through <see cref="AddressSpace"/> (virtual
/// address → translation cache → RAM dataspace) against the same access pattern on a raw native
/// buffer of the same size through <see cref="Span{T}"/>. Goal: sequential within 2× of raw.
/// </summary>
[Config(typeof(ShortConfig))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public unsafe class AddressSpaceAccessBenchmarks
{
    private const int Size = 64 << 20;
    private const int Words = Size / sizeof(long);
    private const int RandomAccesses = 1 << 20;
    // Not at 0, so a broken translation that ignores the attach address would read the wrong bytes.
    private const long At = 0x1000_0000;

    private byte* _raw;
    private RamDataspace _ram = null!;
    private AddressSpace _space = null!;
    private int[] _indices = null!;

    /// <summary>Allocates both buffers and touches every page, so no benchmark pays first-touch faults.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _raw = (byte*)NativeMemory.AllocZeroed(Size);
        new Span<byte>(_raw, Size).Fill(1);
        _ram = new RamDataspace(Size);
        _ram.GetSpan(0, Size).Fill(1);
        var root = new RegionMap("bench:address-space", 1L << 40);
        root.Attach(_ram, at: At);
        _space = new AddressSpace(root);
        // Precomputed so that random access measures memory and translation, not a random number generator.
        var rng = new Random(42);
        _indices = new int[RandomAccesses];
        for (int i = 0; i < _indices.Length; i++) _indices[i] = rng.Next(Words);
    }

    /// <summary>Frees the buffers.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        NativeMemory.Free(_raw);
        _ram.Dispose();
    }

    private Span<byte> Raw => new(_raw, Size);

    /// <summary>Raw span, sequential read.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("SeqRead")]
    public long RawSeqRead()
    {
        var span = Raw;
        long sum = 0;
        for (int i = 0; i < Words; i++) sum += Unsafe.ReadUnaligned<long>(ref span[i * sizeof(long)]);
        return sum;
    }

    /// <summary>AddressSpace.Read&lt;long&gt;, sequential.</summary>
    [Benchmark, BenchmarkCategory("SeqRead")]
    public long AddressSpaceSeqRead()
    {
        var space = _space;
        long sum = 0;
        for (long i = 0; i < Words; i++) sum += space.Read<long>(At + i * sizeof(long));
        return sum;
    }

    /// <summary>One AddressSpace.GetSpan for the whole set, then span reads (the bulk path a program can take).</summary>
    [Benchmark, BenchmarkCategory("SeqRead")]
    public long AddressSpaceGetSpanSeqRead()
    {
        var span = _space.GetSpan(At, Size, write: false);
        long sum = 0;
        for (int i = 0; i < Words; i++) sum += Unsafe.ReadUnaligned<long>(ref span[i * sizeof(long)]);
        return sum;
    }

    /// <summary>Raw span, sequential write.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("SeqWrite")]
    public void RawSeqWrite()
    {
        var span = Raw;
        for (int i = 0; i < Words; i++) Unsafe.WriteUnaligned(ref span[i * sizeof(long)], (long)i);
    }

    /// <summary>AddressSpace.Write&lt;long&gt;, sequential.</summary>
    [Benchmark, BenchmarkCategory("SeqWrite")]
    public void AddressSpaceSeqWrite()
    {
        var space = _space;
        for (long i = 0; i < Words; i++) space.Write(At + i * sizeof(long), i);
    }

    /// <summary>Raw span, random read.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("RandRead")]
    public long RawRandRead()
    {
        var span = Raw;
        long sum = 0;
        foreach (int w in _indices) sum += Unsafe.ReadUnaligned<long>(ref span[w * sizeof(long)]);
        return sum;
    }

    /// <summary>AddressSpace.Read&lt;long&gt;, random.</summary>
    [Benchmark, BenchmarkCategory("RandRead")]
    public long AddressSpaceRandRead()
    {
        var space = _space;
        long sum = 0;
        foreach (int w in _indices) sum += space.Read<long>(At + (long)w * sizeof(long));
        return sum;
    }

    /// <summary>Raw span, random write.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("RandWrite")]
    public void RawRandWrite()
    {
        var span = Raw;
        foreach (int w in _indices) Unsafe.WriteUnaligned(ref span[w * sizeof(long)], (long)w);
    }

    /// <summary>AddressSpace.Write&lt;long&gt;, random.</summary>
    [Benchmark, BenchmarkCategory("RandWrite")]
    public void AddressSpaceRandWrite()
    {
        var space = _space;
        foreach (int w in _indices) space.Write(At + (long)w * sizeof(long), (long)w);
    }
}
