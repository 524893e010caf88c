using System.Diagnostics;
using Rtcr.EndToEnd.Tests.Harness;

namespace Rtcr.EndToEnd.Tests;

/// <summary>The rtcr CLI as a user meets it: help, bad input, checkpoint files, inspect, the control pipe.</summary>
public sealed class CliTests
{
    [Theory]
    [InlineData("run")]
    [InlineData("restore")]
    [InlineData("checkpoint")]
    [InlineData("inspect")]
    [InlineData("demo")]
    public void Every_command_has_help(string command)
    {
        var r = Cli.RunOk(command, "--help");
        Assert.Contains("USAGE", r.Stdout.ToUpperInvariant());
        Assert.Contains("OPTIONS", r.Stdout.ToUpperInvariant());
    }

    [Fact]
    public void Demo_checkpoints_restores_and_matches()
    {
        var r = Cli.RunOk("demo");
        Assert.Contains("match", r.Stdout);
        Assert.Equal(3, r.Stdout.Split('\n').Count(l => l.Contains("4 sheep. zzZ") || l.Contains("5 sheep. zzZ") || l.Contains("6 sheep. zzZ")) / 2);
    }

    [Theory]
    [InlineData("--checkpoint-evry", "did you mean --checkpoint-every?")]
    [InlineData("--incremantal", "did you mean --incremental?")]
    [InlineData("--qqqqqqqqqqqq", null)]
    public void An_unknown_option_is_an_error_with_a_hint_not_silently_ignored(string option, string? hint)
    {
        var r = Cli.Run("run", "sheep_counter", option, "5", "--ticks", "1", "--virtual-time");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains($"Unknown option '{option[2..]}'", r.Stdout + r.Stderr);
        if (hint is null) Assert.DoesNotContain("did you mean", r.Stdout + r.Stderr);
        else Assert.Contains(hint, r.Stdout + r.Stderr);
    }

    [Fact]
    public void Unknown_component_is_a_clear_error()
    {
        var r = Cli.Run("run", "nonesuch", "--ticks", "1", "--virtual-time");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("unknown component 'nonesuch'", r.Stdout + r.Stderr);
        Assert.Contains("sheep_counter", r.Stdout + r.Stderr);
    }

    [Fact]
    public void Bad_config_is_a_clear_error()
    {
        string dir = CheckpointHarness.TempDir();
        try
        {
            string config = Path.Combine(dir, "config.xml");
            File.WriteAllText(config, "<config interval_ms=\"soon\"/>");
            var r = Cli.Run("run", "sheep_counter", "--config", config, "--ticks", "1", "--virtual-time");
            Assert.NotEqual(0, r.ExitCode);
            Assert.Contains("interval_ms=\"soon\" is not an integer", r.Stdout + r.Stderr);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Restore_of_a_corrupt_image_fails_cleanly_and_leaves_the_file()
    {
        string dir = CheckpointHarness.TempDir();
        try
        {
            Cli.RunOk("run", "sheep_counter", "--ticks", "2", "--virtual-time", "--checkpoint-every", "2", "--out", dir);
            string image = Path.Combine(dir, "sheep_counter-0001.rtcr");
            var bytes = File.ReadAllBytes(image);
            bytes[^50] ^= 0xFF;
            File.WriteAllBytes(image, bytes);
            var r = Cli.Run("restore", image, "--ticks", "1", "--virtual-time");
            Assert.NotEqual(0, r.ExitCode);
            Assert.Contains("Corrupted", r.Stdout + r.Stderr);
            Assert.Equal(bytes, File.ReadAllBytes(image));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Checkpoint_every_N_ticks_names_images_by_sequence_and_inspect_lists_them()
    {
        string dir = CheckpointHarness.TempDir();
        try
        {
            Cli.RunOk("run", "memory_writer", "--ticks", "6", "--virtual-time", "--checkpoint-every", "2", "--out", dir, "--compress");
            Assert.Equal(["memory_writer-0001.rtcr", "memory_writer-0002.rtcr", "memory_writer-0003.rtcr"],
                Directory.GetFiles(dir).Select(Path.GetFileName).Order());
            var r = Cli.RunOk("inspect", Path.Combine(dir, "memory_writer-0002.rtcr"));
            foreach (var expected in new[] { "sessions", "RPC objects", "capability space", "dataspaces", "ICpuThread", "Timer", "compressed" })
                Assert.Contains(expected, r.Stdout);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Checkpoint_by_time_takes_one_image_per_interval()
    {
        string dir = CheckpointHarness.TempDir();
        try
        {
            // sheep_counter ticks every 1000 ms; 3.5 s of virtual time holds three 1 s checkpoint instants.
            Cli.RunOk("run", "sheep_counter", "--for", "3500ms", "--virtual-time", "--checkpoint-every", "1s", "--out", dir);
            Assert.Equal(3, Directory.GetFiles(dir, "*.rtcr").Length);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Running_component_is_checkpointed_through_its_control_pipe_and_restored_in_a_new_process()
    {
        string dir = CheckpointHarness.TempDir();
        string control = "rtcr-test-" + Guid.NewGuid().ToString("N")[..8];
        string config = Path.Combine(dir, "config.xml");
        File.WriteAllText(config, "<config start=\"100\" interval_ms=\"20\"/>");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "rtcr.dll"), "run", "sheep_counter", "--config", config, "--ticks", "100000", "--control", control, "--plain" })
            psi.ArgumentList.Add(a);
        using var run = Process.Start(psi)!;
        try
        {
            // Wait until the component has ticked at least once.
            string? line;
            do line = run.StandardOutput.ReadLine();
            while (line is not null && !line.Contains("sheep. zzZ"));
            Assert.NotNull(line);

            string image = Path.Combine(dir, "live.rtcr");
            var cp = Cli.RunOk("checkpoint", control, "--out", image);
            Assert.Contains("checkpoint written", cp.Stdout);
            run.Kill(entireProcessTree: true);

            var restored = Cli.RunOk("restore", image, "--ticks", "3", "--virtual-time", "--plain");
            var lines = restored.LogLines.Select(l => int.Parse(l.Split(' ')[1])).ToArray();
            Assert.Equal(3, lines.Length);
            Assert.True(lines[0] > 100, $"restored counter {lines[0]} should continue past the start value");
            Assert.Equal([lines[0], lines[0] + 1, lines[0] + 2], lines);
        }
        finally
        {
            if (!run.HasExited) run.Kill(entireProcessTree: true);
            Directory.Delete(dir, true);
        }
    }
}
