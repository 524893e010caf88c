using Rtcr.EndToEnd.Tests.Harness;

namespace Rtcr.EndToEnd.Tests;

/// <summary>
/// The determinism proof: with virtual time, a run checkpointed at tick k, killed and restored
/// produces exactly the LOG lines and final memory digest of an uninterrupted run, and the restored
/// child's visible state equals the state at the checkpoint.
/// </summary>
public sealed class DeterminismTests
{
    public static TheoryData<string, int, RestoreMode> Cases()
    {
        var data = new TheoryData<string, int, RestoreMode>();
        foreach (var mode in new[] { RestoreMode.SameProcess, RestoreMode.NewProcess })
        {
            foreach (int k in new[] { 1, 4, 7 }) data.Add("sheep", k, mode);
            foreach (int k in new[] { 2, 5 }) data.Add("writer-random", k, mode);
            data.Add("writer-hotspot", 3, mode);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Restored_run_continues_exactly_like_the_uninterrupted_run(string scenarioName, int k, RestoreMode mode)
    {
        var scenario = Scenario.ByName(scenarioName);
        var outcome = CheckpointHarness.Run(scenario, k, mode);

        Assert.Equal(scenario.Ticks, outcome.Uninterrupted.Count);
        Assert.Equal(outcome.Uninterrupted.Take(k), outcome.LinesBefore);
        Assert.Equal(outcome.Uninterrupted.Skip(k), outcome.LinesAfterRestore);
        Assert.Equal(outcome.UninterruptedDigest, outcome.RestoredDigest);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Restored_child_has_the_visible_state_of_the_checkpointed_child(string scenarioName, int k, RestoreMode mode)
    {
        var outcome = CheckpointHarness.Run(Scenario.ByName(scenarioName), k, mode);
        Assert.Equal(outcome.StateAtCheckpoint, outcome.StateAfterRestore);
    }

    [Fact]
    public void Sheep_counter_lines_start_at_the_configured_value()
    {
        var (lines, _) = CheckpointHarness.Uninterrupted(Scenario.Sheep);
        Assert.Equal(Enumerable.Range(7, 8).Select(n => $"[sheep_counter] {n} sheep. zzZ"), lines);
    }
}
