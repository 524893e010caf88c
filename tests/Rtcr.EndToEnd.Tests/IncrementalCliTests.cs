using Rtcr.EndToEnd.Tests.Harness;

namespace Rtcr.EndToEnd.Tests;

/// <summary>Incremental checkpoints as a user drives them: run --incremental, inspect, restore of a chain, compact.</summary>
public sealed class IncrementalCliTests : IDisposable
{
    private readonly string _dir = CheckpointHarness.TempDir();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Run_incremental_writes_a_chain_that_restores_and_compacts_to_the_uninterrupted_state()
    {
        string config = Path.Combine(_dir, "mw.xml");
        File.WriteAllText(config, IncrementalChainHarness.Config("hotspot", workingSet: "4M", rate: 2_000, intervalMs: 100, seed: 3));
        var run = Cli.RunOk("run", "memory_writer", "--config", config, "--ticks", "6", "--virtual-time", "--checkpoint-every", "2",
            "--out", _dir, "--incremental", "--granularity", "16K", "--plain");
        Assert.Contains("full image", run.Stderr);
        Assert.Contains("delta 2 of the chain", run.Stderr);
        string newest = Path.Combine(_dir, "memory_writer-0003.rtcr");

        var inspect = Cli.RunOk("inspect", newest);
        Assert.Contains("delta 2 of a chain", inspect.Stdout.Replace("\n", " "));
        Assert.Contains("chain (oldest first)", inspect.Stdout);
        string fullId = Image.ImageReader.ReadManifest(Path.Combine(_dir, "memory_writer-0001.rtcr")).Manifest.ImageId;
        Assert.Contains(fullId[..8], inspect.Stdout); // table cells wrap at 80 columns: the id's start is on one line

        var uninterrupted = Cli.RunOk("run", "memory_writer", "--config", config, "--ticks", "8", "--virtual-time", "--digest", "--plain");
        var restored = Cli.RunOk("restore", newest, "--ticks", "2", "--virtual-time", "--digest", "--plain");
        Assert.Equal(uninterrupted.Digest, restored.Digest);
        Assert.Equal(uninterrupted.LogLines.TakeLast(2), restored.LogLines);

        var compact = Cli.RunOk("compact", newest);
        Assert.Contains("compacted 3 images", compact.Stdout.Replace("\n", " "));
        var fromFull = Cli.RunOk("restore", Path.Combine(_dir, "memory_writer-0003-full.rtcr"), "--ticks", "2", "--virtual-time", "--digest", "--plain");
        Assert.Equal(uninterrupted.Digest, fromFull.Digest);
    }

    [Fact]
    public void Restore_of_a_delta_whose_parent_is_gone_says_so()
    {
        Cli.RunOk("run", "memory_writer", "--ticks", "2", "--virtual-time", "--checkpoint-every", "1", "--out", _dir, "--incremental", "--plain");
        File.Delete(Path.Combine(_dir, "memory_writer-0001.rtcr"));

        var r = Cli.Run("restore", Path.Combine(_dir, "memory_writer-0002.rtcr"), "--ticks", "1", "--virtual-time");

        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("memory_writer-0001.rtcr", (r.Stdout + r.Stderr).Replace("\n", ""));
    }

    [Theory]
    [InlineData("--granularity", "3K", "power of two")]
    [InlineData("--granularity", "8M", "power of two")]
    [InlineData("--granularity", "lots", "neither a size")]
    [InlineData("--tracking", "read", "neither 'write' nor 'access'")]
    public void Bad_tracking_options_are_clear_errors(string option, string value, string message)
    {
        var r = Cli.Run("run", "memory_writer", "--ticks", "1", "--virtual-time", "--incremental", option, value);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains(message, (r.Stdout + r.Stderr).Replace("\n", " "));
    }

    [Fact]
    public void Tracking_options_without_incremental_are_an_error()
    {
        var r = Cli.Run("run", "memory_writer", "--ticks", "1", "--virtual-time", "--granularity", "64K");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("only apply with --incremental", (r.Stdout + r.Stderr).Replace("\n", " "));
    }

    [Fact]
    public void Compact_has_help()
    {
        Assert.Contains("USAGE", Cli.RunOk("compact", "--help").Stdout.ToUpperInvariant());
    }

    [Fact]
    public void Ram_quota_lets_a_child_larger_than_the_default_run_and_a_bad_value_is_a_clear_error()
    {
        string config = Path.Combine(_dir, "big.xml");
        File.WriteAllText(config, IncrementalChainHarness.Config("sequential", workingSet: "300M", rate: 1000, intervalMs: 100));
        var tooSmall = Cli.Run("run", "memory_writer", "--config", config, "--ticks", "1", "--virtual-time");
        Assert.NotEqual(0, tooSmall.ExitCode);
        Assert.Contains("asked for 314572800", (tooSmall.Stdout + tooSmall.Stderr).Replace("\n", " "));

        var fits = Cli.RunOk("run", "memory_writer", "--config", config, "--ticks", "1", "--virtual-time", "--ram-quota", "400M", "--plain");
        Assert.Contains("[memory_writer] tick 1: 100 writes", fits.LogLines);

        var bad = Cli.Run("run", "memory_writer", "--ticks", "1", "--ram-quota", "12Q");
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("--ram-quota: '12Q'", bad.Stdout + bad.Stderr);
    }

    [Fact]
    public void A_restored_child_continues_its_chain_from_the_cli_and_the_longer_chain_restores_exactly()
    {
        string config = Path.Combine(_dir, "mw.xml");
        File.WriteAllText(config, IncrementalChainHarness.Config("hotspot", workingSet: "4M", rate: 300, intervalMs: 100, seed: 4));
        Cli.RunOk("run", "memory_writer", "--config", config, "--ticks", "4", "--virtual-time", "--checkpoint-every", "2",
            "--out", _dir, "--incremental", "--plain");
        var restored = Cli.RunOk("restore", Path.Combine(_dir, "memory_writer-0002.rtcr"), "--ticks", "4", "--virtual-time",
            "--checkpoint-every", "2", "--out", _dir, "--incremental", "--plain");
        Assert.Contains("memory_writer-0003.rtcr: delta 2 of the chain", restored.Stderr);
        Assert.Contains("memory_writer-0004.rtcr: delta 3 of the chain", restored.Stderr);

        var uninterrupted = Cli.RunOk("run", "memory_writer", "--config", config, "--ticks", "9", "--virtual-time", "--digest", "--plain");
        var fromChain = Cli.RunOk("restore", Path.Combine(_dir, "memory_writer-0004.rtcr"), "--ticks", "1", "--virtual-time", "--digest", "--plain");
        Assert.Equal(uninterrupted.Digest, fromChain.Digest);
        Assert.Equal(uninterrupted.LogLines.TakeLast(1), fromChain.LogLines);
    }
}
