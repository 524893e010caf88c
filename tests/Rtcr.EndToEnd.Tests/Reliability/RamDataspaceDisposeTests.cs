using Rtcr.EndToEnd.Tests.Harness;
using Rtcr.Memory;

namespace Rtcr.EndToEnd.Tests.Reliability;

/// <summary>
/// <see cref="RamDataspace.Dispose"/> racing itself (a session closed while its host is disposed) and
/// racing a copy (a checkpoint copying a dataspace another thread frees): the memory is freed exactly
/// once, and a copy either reads the whole content or is refused with an
/// <see cref="ObjectDisposedException"/>, never freed memory. Counts the process-wide native bytes, so
/// it runs alone.
/// </summary>
[Collection(NativeMemoryCollection.Name)]
public sealed class RamDataspaceDisposeTests
{
    private const int Size = 64 * 1024;
    private const int Rounds = 300;
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(1);

    [Fact]
    public void Concurrent_disposes_free_the_memory_exactly_once()
    {
        long before = RamDataspace.NativeBytesOutstanding;
        for (int round = 0; round < Rounds; round++)
        {
            var ds = new RamDataspace(Size);
            Race(4, _ => ds.Dispose());
            Assert.True(ds.IsFreed);
            Assert.Equal(before, RamDataspace.NativeBytesOutstanding); // freed once: not still held, not subtracted twice
        }
        var freed = new RamDataspace(Size);
        freed.Dispose();
        freed.Dispose();
        Assert.Equal(before, RamDataspace.NativeBytesOutstanding);
        Assert.Throws<ObjectDisposedException>(() => freed.GetSpan(0, 1));
        Assert.Throws<ObjectDisposedException>(() => freed.CopyTo(new byte[Size]));
    }

    [Fact]
    public void A_copy_racing_a_dispose_reads_the_whole_content_or_is_refused()
    {
        long before = RamDataspace.NativeBytesOutstanding;
        int copied = 0, refused = 0;
        for (int round = 0; round < Rounds; round++)
        {
            var ds = new RamDataspace(Size);
            ds.GetSpan(0, Size).Fill(0xAB);
            Race(3, worker =>
            {
                if (worker == 0)
                {
                    ds.Dispose();
                    return;
                }
                // Copy until the dispose lands (bounded: the disposer is already running).
                var buffer = new byte[Size];
                var waited = System.Diagnostics.Stopwatch.StartNew();
                while (waited.Elapsed < Bound)
                {
                    try
                    {
                        ds.CopyTo(buffer);
                    }
                    catch (ObjectDisposedException)
                    {
                        Interlocked.Increment(ref refused);
                        return;
                    }
                    Assert.True(buffer.AsSpan().IndexOfAnyExcept((byte)0xAB) < 0, "a copy read memory that was already freed");
                    Interlocked.Increment(ref copied);
                }
            });
            Assert.Equal(before, RamDataspace.NativeBytesOutstanding);
        }
        Assert.Equal(2 * Rounds, refused); // every copier ended refused, none read past the free
        Assert.True(copied > 0, "no copy ran before a dispose");
    }

    // Runs `workers` actions released together by a barrier; rethrows the first failure.
    private static void Race(int workers, Action<int> action)
    {
        using var barrier = new Barrier(workers);
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var threads = Enumerable.Range(0, workers).Select(w => new Thread(() =>
        {
            try
            {
                if (!barrier.SignalAndWait(Bound)) throw new TimeoutException("the racing threads did not start together");
                action(w);
            }
            catch (Exception ex)
            {
                failures.Enqueue(ex);
            }
        }) { IsBackground = true }).ToList();
        threads.ForEach(t => t.Start());
        foreach (var t in threads) Assert.True(t.Join(Bound), "a racing thread did not finish");
        if (failures.TryDequeue(out var first)) throw new AggregateException(first);
    }
}
