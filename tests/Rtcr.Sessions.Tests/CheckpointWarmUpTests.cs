namespace Rtcr.Sessions.Tests;

public sealed class CheckpointWarmUpTests
{
    [Fact]
    public void Warm_up_runs_once_per_process_and_leaves_checkpointing_working()
    {
        var first = CheckpointWarmUp.Ensure();
        var again = CheckpointWarmUp.Ensure();

        Assert.Equal(first, again); // the work was done once; the second call only returns its duration
        using var host = new ComponentHost();
        var child = host.Start(new TestProgram("app", construct: env => env.AllocAndAttach(4096, 0x1000_0000)), "<config/>");
        Assert.Single(host.Checkpoint(child).Manifest.Dataspaces, d => d.Size == 4096);
    }
}
