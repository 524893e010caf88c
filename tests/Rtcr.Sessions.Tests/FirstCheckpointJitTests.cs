using Rtcr.Faults;
using Rtcr.Samples;

namespace Rtcr.Sessions.Tests;

/// <summary>
/// After the CLI's warm-up, the first checkpoint of a sample child compiles no method between the
/// freeze and the end of the call: whatever the capture needs for this child's shapes (its sessions'
/// state types, the sort of its dataspaces, an empty thread list …) was compiled by the warm-up, not
/// inside the child's first pause. Counted with the runtime's per-thread JIT counter, no clock.
/// </summary>
public sealed class FirstCheckpointJitTests
{
    [Theory]
    [InlineData("sheep_counter")]
    [InlineData("memory_writer")]
    public void First_checkpoint_after_the_warm_up_compiles_nothing_while_the_child_is_frozen(string component)
    {
        CheckpointWarmUp.Ensure();
        var probe = new FrozenJitProbe();
        probe.Reach(FaultPoint.CheckpointFrozen, null); // the probe's own code compiled now, not in the pause
        _ = probe.AtFreeze;
        using var host = new ComponentHost { Faults = probe };
        var child = host.Start(SampleCatalog.Create(component), SampleCatalog.DefaultConfig(component));
        host.RunTicks(child, 1);

        var image = host.Checkpoint(child);
        long compiled = System.Runtime.JitInfo.GetCompiledMethodCount(currentThread: true) - probe.AtFreeze;
        image.ReleaseBuffers();

        Assert.Equal(2, probe.Frozen); // once by the warm-up of the probe above, once by the checkpoint
        Assert.Equal(0, compiled);
        Assert.Contains(image.Manifest.Sessions, s => s.Service == "Timer");
    }

    // Reads the checkpointing thread's JIT count once the child is frozen.
    private sealed class FrozenJitProbe : IFaultInjector
    {
        public int Frozen { get; private set; }
        public long AtFreeze { get; private set; }

        public void Reach(FaultPoint point, object? subject)
        {
            if (point != FaultPoint.CheckpointFrozen) return;
            Frozen++;
            AtFreeze = System.Runtime.JitInfo.GetCompiledMethodCount(currentThread: true);
        }
    }
}
