using Rtcr.Checkpoint;
using Rtcr.EndToEnd.Tests.Components;
using Rtcr.Host;
using Rtcr.Image;
using Rtcr.Sessions;

namespace Rtcr.EndToEnd.Tests.Harness;

/// <summary>
/// CRIU zdtm-style "transition" checks: checkpoints at random points of a run (any handler or step
/// boundary, not only after a tick), and chains (the restored child is checkpointed again, hop after
/// hop). Every point is exact when the restored child's visible state equals the state at the
/// checkpoint and the run continued across every hop has the LOG lines and memory digest of the
/// uninterrupted run. Points come from a seeded generator; a failure names the seed, and
/// <see cref="Deterministic"/> with that seed replays it exactly.
/// </summary>
internal static class TransitionHarness
{
    /// <summary>How a run went: the checkpoints taken (boundary index each), and what was compared.</summary>
    public sealed record Report(string Component, int Seed, IReadOnlyList<long> Points, int Hops, TimeSpan MaxPause = default);

    /// <summary>Scales the CI counts up for the long run: <c>RTCR_TRANSITION_SCALE=20 dotnet test ...</c>.</summary>
    public static int Scale => int.TryParse(Environment.GetEnvironmentVariable("RTCR_TRANSITION_SCALE"), out int s) && s > 0 ? s : 1;

    private sealed class Stop : Exception;

    /// <summary>The uninterrupted reference: LOG lines, memory digest and number of boundaries for <paramref name="ticks"/> ticks.</summary>
    public static (IReadOnlyList<string> Lines, string Digest, long Boundaries) Reference(string component, int ticks)
    {
        using var host = new ComponentHost();
        long boundaries = 0;
        host.Kernel.BoundaryReached += () => boundaries++;
        var child = host.Start(TestCatalog.Create(component), TestCatalog.Config(component));
        host.RunTicks(child, ticks);
        return (CheckpointHarness.Lines(host).ToArray(), $"{MemoryDigest.Of(child):x16}", boundaries);
    }

    /// <summary>
    /// Deterministic execution: checkpoints at <paramref name="hops"/> random boundaries one after the
    /// other, each in the child restored from the previous image (hops = 1 is a single random point),
    /// then runs on to <paramref name="ticks"/> ticks in total and compares with the reference.
    /// </summary>
    public static Report Deterministic(string component, int ticks, int seed, int hops)
    {
        var reference = Reference(component, ticks);
        var random = new Random(seed);
        var points = new List<long>();
        var lines = new List<string>();
        long ticksDone = 0;
        long budget = Math.Max(1, reference.Boundaries / (hops + 1)); // leaves room for every hop
        CheckpointImage? image = null;
        for (int hop = 0; hop <= hops; hop++)
        {
            using var host = image is null ? new ComponentHost() : new ComponentHost(startMicroseconds: image.Manifest.ClockMicroseconds);
            var child = image is null
                ? host.Start(TestCatalog.Create(component), TestCatalog.Config(component))
                : Restored(host, image, $"{component} seed {seed} hop {hop}");
            if (hop == hops)
            {
                host.RunTicks(child, ticks - ticksDone);
                lines.AddRange(CheckpointHarness.Lines(host));
                Assert.True(reference.Lines.SequenceEqual(lines), $"{component} seed {seed}: LOG output after {hops} hops at boundaries [{string.Join(", ", points)}] differs from the uninterrupted run\nexpected:\n{string.Join('\n', reference.Lines)}\nactual:\n{string.Join('\n', lines)}");
                Assert.True(reference.Digest == $"{MemoryDigest.Of(child):x16}", $"{component} seed {seed}: memory digest after {hops} hops at boundaries [{string.Join(", ", points)}] differs");
                break;
            }
            long target = random.NextInt64(1, budget + 1), seen = 0;
            string? dump = null;
            host.Kernel.BoundaryReached += () =>
            {
                if (++seen != target) return;
                image = RoundTrip(host.Checkpoint(child));
                dump = ChildState.Dump(host, child);
                throw new Stop();
            };
            try
            {
                host.RunTicks(child, ticks - ticksDone);
                Assert.Fail($"{component} seed {seed}: the run ended before boundary {target} of hop {hop}");
            }
            catch (Stop)
            {
            }
            points.Add(target);
            ticksDone += host.Ticks(child);
            lines.AddRange(CheckpointHarness.Lines(host));
            ExpectedDump = dump!;
        }
        return new Report(component, seed, points, hops);
    }

    // The dump at the checkpoint the next hop restores from.
    [ThreadStatic] private static string? ExpectedDump;

    private static Child Restored(ComponentHost host, CheckpointImage image, string what)
    {
        var child = host.Restore(image, TestCatalog.Create);
        Assert.True(ExpectedDump == ChildState.Dump(host, child), $"{what}: restored state differs from the state at the checkpoint\n{Diff(ExpectedDump!, ChildState.Dump(host, child))}");
        return child;
    }

    /// <summary>
    /// Threaded execution: the child runs on real time; at <paramref name="points"/> random moments
    /// (seeded delays) it is frozen, checkpointed and dumped, restored stopped into a new threaded host,
    /// compared, resumed, and the restored child is the one checkpointed at the next point (a chain).
    /// Threaded runs are not reproducible, so only state equality and an undisturbed continuation are
    /// checked, not LOG lines against a reference.
    /// </summary>
    public static Report Threaded(string component, int seed, int points)
    {
        var random = new Random(seed);
        var taken = new List<long>();
        var maxPause = TimeSpan.Zero;
        var host = new ComponentHost(ExecutionMode.Threaded);
        try
        {
            var child = host.Start(TestCatalog.Create(component), TestCatalog.Config(component));
            for (int point = 0; point < points; point++)
            {
                int delayMs = random.Next(0, 25);
                Thread.Sleep(delayMs);
                taken.Add(delayMs);
                var pd = child.Env.Domain;
                host.Kernel.Timers.Hold();
                pd.Freeze();
                CheckpointImage image;
                string before;
                try
                {
                    image = RoundTrip(host.Checkpoint(child));
                    before = Normalize(ChildState.Dump(host, child));
                    if (host.LastPauseTime > maxPause) maxPause = host.LastPauseTime;
                }
                finally
                {
                    pd.Thaw();
                    host.Kernel.Timers.Release();
                }
                Fail(child, $"{component} seed {seed} point {point}: the original");

                var next = new ComponentHost(ExecutionMode.Threaded, startMicroseconds: image.Manifest.ClockMicroseconds);
                var restored = next.Restore(image, TestCatalog.Create, leaveStopped: true);
                string after = Normalize(ChildState.Dump(next, restored));
                Assert.True(before == after, $"{component} seed {seed} point {point} (after {delayMs} ms): restored state differs\n{Diff(before, after)}");
                next.Resume(restored, image.Manifest.ClockMicroseconds);
                host.Dispose();
                host = next;
                child = restored;
            }
            // The last restored child must carry on: two more ticks without failure.
            long ticks = host.Ticks(child);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (host.Ticks(child) < ticks + 2 && DateTime.UtcNow < deadline && child.Env.Entrypoint.Failure is null) Thread.Sleep(2);
            Fail(child, $"{component} seed {seed}: the last restored child");
            Assert.True(host.Ticks(child) >= ticks + 2, $"{component} seed {seed}: the last restored child stopped ticking");
        }
        finally
        {
            host.Dispose();
        }
        return new Report(component, seed, taken, points, maxPause);
    }

    private static void Fail(Child child, string what)
    {
        if (child.Env.Entrypoint.Failure is { } f) Assert.Fail($"{what}: entrypoint failed: {f}");
        foreach (var t in child.Env.Domain.Threads)
            if (t.Failure is { } tf) Assert.Fail($"{what}: thread {t.Name} failed: {tf}");
    }

    /// <summary>The lines of two dumps that differ, as "- expected / + actual".</summary>
    public static string Diff(string expected, string actual)
    {
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        var lines = new List<string>();
        for (int i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            string x = i < a.Length ? a[i] : "", y = i < b.Length ? b[i] : "";
            if (x != y) lines.Add($"line {i + 1}:\n- {x}\n+ {y}");
        }
        return string.Join('\n', lines);
    }

    // A threaded kernel's clock moves while the dump is written; everything else must be equal.
    private static string Normalize(string dump) => dump[(dump.IndexOf('\n') + 1)..];

    /// <summary>Through the image format and back, so nothing is shared with the original.</summary>
    public static CheckpointImage RoundTrip(CheckpointImage image)
    {
        var stream = new MemoryStream();
        ImageWriter.Write(image, stream);
        return ImageReader.Read(new MemoryStream(stream.ToArray()), "transition", SessionRecorders.Schema);
    }
}
