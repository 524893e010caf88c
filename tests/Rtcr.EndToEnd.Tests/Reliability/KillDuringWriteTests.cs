using System.Diagnostics;
using Rtcr.EndToEnd.Tests.Harness;
using Rtcr.Image;
using Rtcr.Samples;
using Rtcr.Sessions;

namespace Rtcr.EndToEnd.Tests.Reliability;

/// <summary>
/// <c>rtcr run</c> with a large child checkpointing as fast as it can, killed with SIGKILL at random
/// moments: every file under a final name is a whole, valid image, the newest restores exactly as it was
/// written, and the temporary files of the killed writes are removed by the next run into that directory.
/// 10 kills in CI; <c>RTCR_KILL_TESTS=N</c> runs N.
/// </summary>
public sealed class KillDuringWriteTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rtcr-kill-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Kill_9_during_large_image_writes_never_leaves_a_partial_image_and_the_previous_image_restores()
    {
        int kills = int.TryParse(Environment.GetEnvironmentVariable("RTCR_KILL_TESTS"), out int n) && n > 0 ? n : 10;
        int seed = Environment.TickCount;
        var random = new Random(seed);
        string config = Path.Combine(_dir, "writer.xml");
        File.WriteAllText(config, "<config working_set=\"48M\" pattern=\"random\" rate=\"200000\" interval_ms=\"10\" seed=\"5\"/>");
        string output = Path.Combine(_dir, "images");
        int killedWithTemp = 0, restored = 0;
        for (int i = 0; i < kills; i++)
        {
            var started = DateTime.UtcNow;
            using (var p = Cli.Start("run", "memory_writer", "--config", config, "--virtual-time", "--ticks", "100000", "--checkpoint-every", "1", "--out", output))
            {
                try
                {
                    // Wait (bounded) for a first image, then kill at a random moment of the writes that follow.
                    var wait = Stopwatch.StartNew();
                    // Each run numbers its images from 1 again, so later runs also replace earlier images under their final names.
                    while (!Directory.Exists(output) || !Directory.GetFiles(output, "*.rtcr").Any(f => File.GetLastWriteTimeUtc(f) >= started))
                    {
                        if (p.HasExited) Assert.Fail($"rtcr exited early ({p.ExitCode}): {p.StandardError.ReadToEnd()}");
                        Assert.True(wait.Elapsed < TimeSpan.FromMinutes(2), "no image within 2 minutes");
                        Thread.Sleep(20);
                    }
                    if (i % 2 == 0)
                    {
                        // Every other kill lands inside a write: as soon as this run's next temporary file appears.
                        while (!Directory.GetFiles(output, ".*.tmp").Any(f => File.GetLastWriteTimeUtc(f) >= started))
                        {
                            if (p.HasExited) Assert.Fail($"rtcr exited early ({p.ExitCode}): {p.StandardError.ReadToEnd()}");
                            Assert.True(wait.Elapsed < TimeSpan.FromMinutes(4), "no image write began within 4 minutes");
                            Thread.Sleep(5);
                        }
                        Thread.Sleep(random.Next(0, 50));
                    }
                    else Thread.Sleep(random.Next(0, 3000)); // the others at any moment: capture, write, fsync, rename, between

                }
                finally
                {
                    p.Kill(); // SIGKILL: no finally block, no cleanup runs in rtcr
                    p.WaitForExit();
                }
            }
            if (Directory.GetFiles(output, ".*.tmp").Any(f => File.GetLastWriteTimeUtc(f) >= started)) killedWithTemp++;

            // Every file under a final name is whole: it reads with every checksum checked.
            var images = Directory.GetFiles(output, "*.rtcr").OrderBy(File.GetLastWriteTimeUtc).ToArray();
            foreach (var image in images)
                ImageReader.ReadFile(image, Images.Schema);
            // The newest restores, and the child runs on from it.
            var newest = ImageReader.ReadFile(images[^1], Images.Schema);
            using var host = new ComponentHost(startMicroseconds: newest.Manifest.ClockMicroseconds);
            var child = host.Restore(newest, SampleCatalog.Create);
            host.RunTicks(child, 1);
            restored++;
            // Keep the disk use bounded: only the newest image stays for the next round.
            foreach (var image in images[..^1]) File.Delete(image);
        }
        Assert.Equal(kills, restored);

        // The killed writes' temporary files are dead now; a run a couple of minutes later removes them
        // (a fresh temp file could still be a live writer's, so the clean-up leaves files younger than a minute).
        var leftovers = Directory.GetFiles(output, ".*.tmp");
        foreach (var temp in leftovers) File.SetLastWriteTimeUtc(temp, DateTime.UtcNow - TimeSpan.FromMinutes(2));
        var r = Cli.RunOk("run", "sheep_counter", "--virtual-time", "--ticks", "1", "--out", output);
        foreach (var temp in leftovers) Assert.Contains($"removed {temp}", r.Stderr);
        Assert.Empty(Directory.GetFiles(output, ".*.tmp"));
        Assert.True(killedWithTemp > 0, $"seed {seed}: not one of {kills} kills hit a write in progress");
    }
}
