using Rtcr.EndToEnd.Tests.Harness;

namespace Rtcr.EndToEnd.Tests;

/// <summary><c>--pause-timeout</c> of <c>rtcr run</c> and <c>rtcr restore</c>: validated, and taken by the checkpoints.</summary>
public sealed class PauseTimeoutCliTests
{
    [Theory]
    [InlineData("0s")]
    [InlineData("soon")]
    [InlineData("-1s")]
    public void A_pause_timeout_that_is_not_a_positive_duration_is_an_error(string value)
    {
        var r = Cli.Run("run", "sheep_counter", "--ticks", "1", "--virtual-time", "--pause-timeout", value);

        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains($"--pause-timeout: '{value}' is not a positive duration", r.Stdout + r.Stderr);
    }

    [Fact]
    public void Checkpoints_of_a_run_with_a_pause_timeout_are_written_as_usual()
    {
        string dir = CheckpointHarness.TempDir();
        try
        {
            Cli.RunOk("run", "sheep_counter", "--ticks", "2", "--checkpoint-every", "2", "--out", dir, "--pause-timeout", "750ms", "--plain");
            string image = Assert.Single(Directory.GetFiles(dir, "*.rtcr"));
            Cli.RunOk("restore", image, "--virtual-time", "--ticks", "1", "--pause-timeout", "2s", "--checkpoint-every", "1", "--out", dir, "--plain");
            Assert.Equal(2, Directory.GetFiles(dir, "*.rtcr").Length);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
