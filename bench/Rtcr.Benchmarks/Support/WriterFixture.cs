using Rtcr.Samples;
using Rtcr.Sessions;

namespace Rtcr.Benchmarks.Support;

/// <summary>
/// A host running one <c>memory_writer</c> child with a working set of a given size: the realistic
/// subject for checkpoint and image benchmarks (its memory is a RAM dataspace attached in its
/// address space, written by its own CPU thread).
/// </summary>
public sealed class WriterFixture : IDisposable
{
    private WriterFixture(ComponentHost host, Child child, long size)
    {
        Host = host;
        Child = child;
        Size = size;
    }

    /// <summary>The host.</summary>
    public ComponentHost Host { get; }

    /// <summary>The memory_writer child.</summary>
    public Child Child { get; }

    /// <summary>Working-set size in bytes.</summary>
    public long Size { get; }

    /// <summary>Writes the child has done so far (read from its state page).</summary>
    public long Writes => Child.Env.Memory.Read<long>(MemoryWriter.StateAddress + 0);

    /// <summary>
    /// Starts a writer. With <paramref name="fill"/> its thread runs (virtual time) until it has
    /// written every word of the working set once; without, the working set stays zero.
    /// </summary>
    public static WriterFixture Start(long size, bool fill, ExecutionMode mode = ExecutionMode.Deterministic, long rate = 1_000_000_000, string pattern = "sequential")
    {
        var host = new ComponentHost(mode);
        // Rate 1e9 writes/s gives batches of 1M writes per step, so a whole 1 GiB set is written in two ticks.
        string config = $"<config working_set=\"{size}\" pattern=\"{pattern}\" rate=\"{rate}\" interval_ms=\"100\" seed=\"1\"/>";
        var child = host.Start(new MemoryWriter(), config, new ChildOptions { RamQuota = size + (16L << 20) });
        var fixture = new WriterFixture(host, child, size);
        if (fill && mode == ExecutionMode.Deterministic)
        {
            long words = size / sizeof(long);
            for (long tick = 1; fixture.Writes < words; tick++) host.RunTicks(child, tick);
        }
        return fixture;
    }

    /// <summary>A span over the working set (for a memcpy baseline over the same bytes).</summary>
    public unsafe byte* WorkingSetPointer
    {
        get
        {
            var span = Child.Env.Memory.GetSpan(MemoryWriter.WorkingSetAddress, checked((int)Size), write: false);
            return (byte*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref span[0]);
        }
    }

    /// <inheritdoc />
    public void Dispose() => Host.Dispose();
}
