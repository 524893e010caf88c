using System.Diagnostics;
using Rtcr.EndToEnd.Tests.Harness;
using Rtcr.Host;
using Rtcr.Image;
using Rtcr.Memory;
using Rtcr.Samples;
using Rtcr.Sessions;

namespace Rtcr.EndToEnd.Tests.Reliability;

/// <summary>
/// Load: 200 sheep_counters and 20 memory_writers in one threaded host, every child checkpointed each
/// round by concurrent checkpointers into one image directory: no image lost or unrestorable, every
/// sampled restore exact, the parent's native memory back to the same number after every round and its
/// managed heap and the image store not growing round over round. CI runs 3 rounds; RTCR_SOAK_ROUNDS=N
/// runs N (and RTCR_SOAK_SHEEP / RTCR_SOAK_WRITERS change the population).
/// </summary>
[Collection(NativeMemoryCollection.Name)]
public sealed class SoakTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rtcr-soak-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out int n) && n > 0 ? n : fallback;

    [Fact]
    public void Many_children_checkpointed_concurrently_and_repeatedly_lose_no_image_and_restore_exactly()
    {
        int sheep = Setting("RTCR_SOAK_SHEEP", 200), writers = Setting("RTCR_SOAK_WRITERS", 20), rounds = Setting("RTCR_SOAK_ROUNDS", 3);
        long nativeBefore = RamDataspace.NativeBytesOutstanding;
        using (var host = new ComponentHost(ExecutionMode.Threaded))
        {
            var children = new List<Child>();
            for (int i = 0; i < sheep; i++)
                children.Add(host.Start(new SheepCounter(), $"<config start=\"{i}\" interval_ms=\"{20 + i % 7 * 10}\"/>"));
            for (int i = 0; i < writers; i++)
                children.Add(host.Start(new MemoryWriter(), $"<config working_set=\"512K\" pattern=\"{(i % 2 == 0 ? "random" : "hotspot")}\" rate=\"20000\" interval_ms=\"20\" seed=\"{i}\"/>"));
            long nativeRunning = RamDataspace.NativeBytesOutstanding;
            var random = new Random(1234);
            long firstStore = 0, lastStore = 0, firstHeap = 0, lastHeap = 0;
            int restoresChecked = 0;
            for (int round = 0; round < rounds; round++)
            {
                // Every child checkpointed by 4 concurrent checkpointers; the image overwrites the child's last one.
                Parallel.For(0, children.Count, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
                {
                    var image = host.Checkpoint(children[i]);
                    try
                    {
                        ImageWriter.WriteFile(image, ImagePath(i));
                    }
                    finally
                    {
                        image.ReleaseBuffers();
                    }
                });
                // No image lost or unrestorable: every file is there and reads with every checksum checked.
                for (int i = 0; i < children.Count; i++) ImageReader.ReadFile(ImagePath(i), Images.Schema);
                Assert.Empty(Directory.GetFiles(_dir, ".*.tmp"));

                // Sampled restores are exact: the child is frozen (with time) for its dump and checkpoint.
                foreach (int i in Enumerable.Range(0, 4).Select(_ => random.Next(children.Count)).Append(sheep + round % writers))
                {
                    var child = children[i];
                    host.Kernel.Timers.Hold();
                    child.Env.Domain.Freeze();
                    string state;
                    ulong digest;
                    Checkpoint.CheckpointImage image;
                    try
                    {
                        state = ChildState.Dump(host, child);
                        digest = MemoryDigest.Of(child);
                        image = host.Checkpoint(child);
                        ImageWriter.WriteFile(image, ImagePath(i));
                    }
                    finally
                    {
                        child.Env.Domain.Thaw();
                        host.Kernel.Timers.Release();
                    }
                    var read = ImageReader.ReadFile(ImagePath(i), Images.Schema);
                    using var target = new ComponentHost(startMicroseconds: read.Manifest.ClockMicroseconds);
                    var restored = target.Restore(read, SampleCatalog.Create);
                    Assert.Equal(state.Split('\n').Skip(1), ChildState.Dump(target, restored).Split('\n').Skip(1));
                    Assert.Equal(digest, MemoryDigest.Of(restored));
                    restoresChecked++;
                }

                GC.Collect();
                GC.WaitForPendingFinalizers();
                long store = Directory.GetFiles(_dir).Sum(f => new FileInfo(f).Length);
                long heap = GC.GetTotalMemory(forceFullCollection: true);
                if (round == 0) (firstStore, firstHeap) = (store, heap);
                (lastStore, lastHeap) = (store, heap);
                // The children's own memory only: checkpoints and restores leave no native memory behind.
                Assert.Equal(nativeRunning, RamDataspace.NativeBytesOutstanding);
                using var self = Process.GetCurrentProcess();
                output.WriteLine($"round {round + 1}/{rounds}: {children.Count} children, image store {store / 1024} KiB, managed heap {heap / (1024 * 1024)} MiB, RSS {self.WorkingSet64 / (1024 * 1024)} MiB, peak RSS {self.PeakWorkingSet64 / (1024 * 1024)} MiB");
            }
            // Images overwrite their predecessors: the store stays at one image per child (sizes vary a little with state).
            Assert.True(lastStore <= firstStore * 5 / 4, $"image store grew from {firstStore} to {lastStore} bytes");
            Assert.True(lastHeap <= firstHeap + (64L << 20), $"managed heap grew from {firstHeap} to {lastHeap} bytes");
            Assert.Equal(rounds * 5, restoresChecked);
            foreach (var child in children) Assert.True(host.Ticks(child) > 0, $"'{child.Label}' never ticked");
        }
        Assert.Equal(nativeBefore, RamDataspace.NativeBytesOutstanding);
    }

    private string ImagePath(int child) => Path.Combine(_dir, $"child-{child:D3}.rtcr");
}
