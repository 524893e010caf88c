using Rtcr.Image;
using Rtcr.Samples;
using Rtcr.Sessions;
using Rtcr.Tracking;

namespace Rtcr.EndToEnd.Tests.Harness;

/// <summary>
/// The state-equality harness in incremental-chain mode: a tracked memory_writer runs in virtual
/// time; checkpoints are taken at random step boundaries (random virtual-time points, not ticks),
/// each written to a directory (the first full, the rest deltas), and the child's visible state
/// (<see cref="ChildState.Dump"/>, which includes every dataspace's digest) is recorded at each.
/// Restoring any link of the chain must give exactly the state recorded at that link.
/// </summary>
internal static class IncrementalChainHarness
{
    public sealed record Link(string Path, string State, bool IsDelta, long MemoryBytes);

    public static string Config(string pattern, string workingSet = "1M", int rate = 20_000, int intervalMs = 10, int seed = 7) =>
        $"<config working_set=\"{workingSet}\" pattern=\"{pattern}\" rate=\"{rate}\" interval_ms=\"{intervalMs}\" seed=\"{seed}\"/>";

    /// <summary>
    /// Runs the writer and takes <paramref name="checkpoints"/> checkpoints into <paramref name="dir"/>;
    /// between two checkpoints the clock advances by a random 0–40 ms (0: the child wrote nothing).
    /// </summary>
    public static List<Link> Record(string dir, string config, TrackingOptions tracking, int checkpoints, int seed, IncrementalPolicy? policy = null)
    {
        var rng = new Random(seed);
        var links = new List<Link>();
        using var host = new ComponentHost { IncrementalPolicy = policy ?? new IncrementalPolicy { MaxChainLength = 1000, MaxDeltaShare = 1000 } };
        var child = host.Start(SampleCatalog.Create("memory_writer"), config, new ChildOptions { Tracking = tracking });
        for (int i = 1; i <= checkpoints; i++)
        {
            int step = rng.Next(0, 5) == 0 ? 0 : rng.Next(1, 40_000);
            host.Kernel.Advance(step);
            string name = $"memory_writer-{i:D4}.rtcr";
            var image = host.Checkpoint(child, incremental: true, fileName: name);
            string path = Path.Combine(dir, name);
            ImageWriter.WriteFile(image, path);
            links.Add(new Link(path, ChildState.Dump(host, child), image.IsDelta, image.MemoryBytes));
        }
        return links;
    }

    /// <summary>Restores the chain ending at <paramref name="newest"/> into a fresh host and returns the restored child's state.</summary>
    public static string Restore(string newest, TrackingOptions? tracking = null)
    {
        var image = ImageChain.Load(newest, SessionRecorders.Schema);
        using var host = new ComponentHost(startMicroseconds: image.Manifest.ClockMicroseconds);
        var child = host.Restore(image, SampleCatalog.Create, tracking);
        return ChildState.Dump(host, child);
    }
}
