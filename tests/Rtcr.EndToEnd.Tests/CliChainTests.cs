using Rtcr.EndToEnd.Tests.Harness;
using Rtcr.Image;
using Rtcr.Sessions;

namespace Rtcr.EndToEnd.Tests;

/// <summary>Chains from the CLI: <c>rtcr restore</c> with the checkpoint options of <c>rtcr run</c>, and <c>--leave-stopped</c>.</summary>
public sealed class CliChainTests
{
    private static string Config(string dir, string content)
    {
        string path = Path.Combine(dir, "config.xml");
        File.WriteAllText(path, content);
        return path;
    }

    [Theory]
    [InlineData("sheep")]
    [InlineData("writer-random")]
    public void A_chain_of_five_restores_each_checkpointed_again_continues_exactly_like_the_uninterrupted_run(string scenarioName)
    {
        var scenario = Scenario.ByName(scenarioName) with { Ticks = 12 };
        var (reference, digest) = CheckpointHarness.Uninterrupted(scenario);
        string dir = CheckpointHarness.TempDir();
        try
        {
            const int hop = 2, hops = 5;
            string config = Config(dir, scenario.Config);
            var lines = new List<string>(Cli.RunOk("run", scenario.Component, "--config", config, "--ticks", $"{hop}", "--virtual-time",
                "--checkpoint-every", $"{hop}", "--out", dir, "--state-dumps", "--plain").LogLines);
            for (int i = 1; i <= hops; i++)
            {
                string image = Path.Combine(dir, $"{scenario.Component}-{i:D4}.rtcr");
                string state = Path.Combine(dir, $"restored-{i}.state");
                bool last = i == hops;
                var args = new List<string> { "restore", image, "--ticks", last ? $"{scenario.Ticks - hop * hops}" : $"{hop}", "--virtual-time", "--state-out", state, "--plain" };
                if (last) args.Add("--digest");
                else args.AddRange(["--checkpoint-every", $"{hop}", "--out", dir, "--state-dumps"]);
                var r = Cli.RunOk([.. args]);
                lines.AddRange(r.LogLines);
                Assert.Equal(File.ReadAllText(image + ".state"), File.ReadAllText(state));
                if (last) Assert.Equal(digest, r.Digest);
                else Assert.True(File.Exists(Path.Combine(dir, $"{scenario.Component}-{i + 1:D4}.rtcr")), $"hop {i} wrote no image");
            }
            Assert.Equal(reference, lines);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    public static TheoryData<string> Adversarial() => new(Components.TestCatalog.Adversarial);

    /// <summary>Every adversarial component through the CLI: run, then three restores each checkpointed again, in new processes.</summary>
    [Theory]
    [MemberData(nameof(Adversarial))]
    public void Adversarial_components_chain_exactly_through_new_processes(string component)
    {
        const int hop = 2, hops = 3, ticks = 9;
        var reference = TransitionHarness.Reference(component, ticks);
        string dir = CheckpointHarness.TempDir();
        try
        {
            var lines = new List<string>(Cli.RunOk("run", component, "--ticks", $"{hop}", "--virtual-time", "--checkpoint-every", $"{hop}", "--out", dir, "--state-dumps", "--plain").LogLines);
            string? digest = null;
            for (int i = 1; i <= hops; i++)
            {
                string image = Path.Combine(dir, $"{component}-{i:D4}.rtcr");
                string state = Path.Combine(dir, $"restored-{i}.state");
                bool last = i == hops;
                var args = new List<string> { "restore", image, "--ticks", last ? $"{ticks - hop * hops}" : $"{hop}", "--virtual-time", "--state-out", state, "--plain" };
                if (last) args.Add("--digest");
                else args.AddRange(["--checkpoint-every", $"{hop}", "--out", dir, "--state-dumps"]);
                var r = Cli.RunOk([.. args]);
                lines.AddRange(r.LogLines);
                Assert.True(File.ReadAllText(image + ".state") == File.ReadAllText(state), $"{component} hop {i}:\n{TransitionHarness.Diff(File.ReadAllText(image + ".state"), File.ReadAllText(state))}");
                digest = r.Digest;
            }
            Assert.Equal(reference.Lines, lines);
            Assert.Equal(reference.Digest, digest);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Timed_checkpoints_are_taken_at_the_requested_time_including_the_end_of_the_run()
    {
        string dir = CheckpointHarness.TempDir();
        try
        {
            // Timer events at 300, 600, 900 ms; checkpoints requested at 500 ms and 1000 ms (the end).
            string config = Config(dir, "<config start=\"1\" interval_ms=\"300\"/>");
            Cli.RunOk("run", "sheep_counter", "--config", config, "--for", "1s", "--virtual-time", "--checkpoint-every", "500ms", "--out", dir, "--plain");
            var images = Directory.GetFiles(dir, "*.rtcr").Order().ToArray();
            Assert.Equal(2, images.Length);
            Assert.Equal(500_000, ImageReader.ReadFile(images[0], SessionRecorders.Schema).Manifest.ClockMicroseconds);
            Assert.Equal(1_000_000, ImageReader.ReadFile(images[1], SessionRecorders.Schema).Manifest.ClockMicroseconds);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Threaded_restore_runs_exactly_the_requested_ticks()
    {
        string dir = CheckpointHarness.TempDir();
        try
        {
            string config = Config(dir, "<config start=\"1\" interval_ms=\"1\"/>");
            Cli.RunOk("run", "sheep_counter", "--config", config, "--ticks", "3", "--checkpoint-every", "3", "--out", dir, "--plain");
            string image = Path.Combine(dir, "sheep_counter-0001.rtcr");
            for (int i = 0; i < 3; i++)
            {
                var r = Cli.RunOk("restore", image, "--ticks", "2", "--plain");
                Assert.Equal(["[sheep_counter] 4 sheep. zzZ", "[sheep_counter] 5 sheep. zzZ"], r.LogLines);
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Restore_left_stopped_runs_nothing_can_be_checkpointed_and_resumes_on_request()
    {
        string dir = CheckpointHarness.TempDir();
        try
        {
            string config = Config(dir, "<config start=\"1\" interval_ms=\"50\"/>");
            Cli.RunOk("run", "sheep_counter", "--config", config, "--ticks", "2", "--virtual-time", "--checkpoint-every", "2", "--out", dir, "--state-dumps", "--plain");
            string image = Path.Combine(dir, "sheep_counter-0001.rtcr");

            // Without a control pipe: restore, report, exit; nothing ran.
            string state = Path.Combine(dir, "stopped.state");
            var stopped = Cli.RunOk("restore", image, "--leave-stopped", "--virtual-time", "--state-out", state, "--plain");
            Assert.Empty(stopped.LogLines);
            Assert.Equal(File.ReadAllText(image + ".state"), File.ReadAllText(state));

            // With one: the stopped child is checkpointed (an image equal in state to the original), then resumed.
            string control = "rtcr-test-" + Guid.NewGuid().ToString("N")[..8];
            string[] args = ["restore", image, "--leave-stopped", "--control", control, "--ticks", "2", "--virtual-time", "--out", dir, "--plain"];
            using var process = Cli.Start(args);
            string again = Path.Combine(dir, "again.rtcr");
            var cp = Cli.RunOk("checkpoint", control, "--out", again, "--timeout", "60");
            Assert.Contains("checkpoint written", cp.Stdout);
            Assert.Equal(ImageReader.ReadFile(image, SessionRecorders.Schema).Manifest.ClockMicroseconds, ImageReader.ReadFile(again, SessionRecorders.Schema).Manifest.ClockMicroseconds);
            Cli.RunOk("resume", control);
            var r = Cli.Finish(process, args);
            Assert.Equal(0, r.ExitCode);
            Assert.Equal(["[sheep_counter] 3 sheep. zzZ", "[sheep_counter] 4 sheep. zzZ"], r.LogLines);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
