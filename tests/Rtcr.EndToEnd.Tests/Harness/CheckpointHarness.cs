using Rtcr.Host;
using Rtcr.Image;
using Rtcr.Samples;
using Rtcr.Sessions;

namespace Rtcr.EndToEnd.Tests.Harness;

/// <summary>
/// The state-equality harness (as CRIU's zdtm): for a scenario, a checkpoint tick k and a restore mode,
/// it captures the child's visible state at the checkpoint, restores, captures the restored child's
/// state, and runs both on; every end-to-end test goes through it.
/// </summary>
internal static class CheckpointHarness
{
    public sealed record Outcome(
        IReadOnlyList<string> Uninterrupted, string UninterruptedDigest,
        string StateAtCheckpoint, string StateAfterRestore,
        IReadOnlyList<string> LinesBefore, IReadOnlyList<string> LinesAfterRestore, string RestoredDigest);

    public static Outcome Run(Scenario scenario, int k, RestoreMode mode)
    {
        var (lines, digest) = Uninterrupted(scenario);
        return mode switch
        {
            RestoreMode.SameProcess => SameProcess(scenario, k, lines, digest),
            _ => NewProcess(scenario, k, lines, digest),
        };
    }

    public static (IReadOnlyList<string> Lines, string Digest) Uninterrupted(Scenario scenario)
    {
        using var host = new ComponentHost();
        var child = host.Start(SampleCatalog.Create(scenario.Component), scenario.Config);
        host.RunTicks(child, scenario.Ticks);
        return (Lines(host), $"{MemoryDigest.Of(child):x16}");
    }

    private static Outcome SameProcess(Scenario scenario, int k, IReadOnlyList<string> uninterrupted, string digest)
    {
        string dir = TempDir();
        try
        {
            string path = Path.Combine(dir, "image.rtcr");
            string before;
            IReadOnlyList<string> linesBefore;
            using (var original = new ComponentHost())
            {
                var child = original.Start(SampleCatalog.Create(scenario.Component), scenario.Config);
                original.RunTicks(child, k);
                ImageWriter.WriteFile(original.Checkpoint(child), path);
                before = ChildState.Dump(original, child);
                linesBefore = Lines(original);
            } // the original is gone: kernel, threads and memory

            var image = ImageReader.ReadFile(path, SessionRecorders.Schema);
            using var host = new ComponentHost(startMicroseconds: image.Manifest.ClockMicroseconds);
            var restored = host.Restore(image, SampleCatalog.Create);
            string after = ChildState.Dump(host, restored);
            host.RunTicks(restored, scenario.Ticks - k);
            return new Outcome(uninterrupted, digest, before, after, linesBefore, Lines(host), $"{MemoryDigest.Of(restored):x16}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static Outcome NewProcess(Scenario scenario, int k, IReadOnlyList<string> uninterrupted, string digest)
    {
        string dir = TempDir();
        try
        {
            string config = Path.Combine(dir, "config.xml");
            File.WriteAllText(config, scenario.Config);
            var first = Cli.RunOk("run", scenario.Component, "--config", config, "--ticks", k.ToString(), "--virtual-time",
                "--checkpoint-every", k.ToString(), "--out", dir, "--state-dumps", "--plain");
            string image = Path.Combine(dir, $"{scenario.Component}-0001.rtcr");
            string afterPath = Path.Combine(dir, "after.state");
            Cli.RunOk("restore", image, "--ticks", "0", "--virtual-time", "--state-out", afterPath, "--plain");
            var second = Cli.RunOk("restore", image, "--ticks", (scenario.Ticks - k).ToString(), "--virtual-time", "--digest", "--plain");
            return new Outcome(uninterrupted, digest, File.ReadAllText(image + ".state"), File.ReadAllText(afterPath),
                first.LogLines, second.LogLines, second.Digest ?? "none");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    public static IReadOnlyList<string> Lines(ComponentHost host) => ((CollectingLogSink)host.Log).Lines;

    public static string TempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "rtcr-e2e-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
