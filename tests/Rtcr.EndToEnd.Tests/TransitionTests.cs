using Rtcr.EndToEnd.Tests.Components;
using Rtcr.EndToEnd.Tests.Harness;

namespace Rtcr.EndToEnd.Tests;

/// <summary>
/// Restore is exact at random points and across chains, for the samples and each adversarial
/// component (<see cref="TestCatalog.Adversarial"/>). CI runs a bounded number of points; the long
/// run raises them: <c>RTCR_TRANSITION_SCALE=20 dotnet test tests/Rtcr.EndToEnd.Tests --filter TransitionTests</c>.
/// </summary>
public sealed class TransitionTests(ITestOutputHelper output)
{
    public static TheoryData<string> Components() => new(TestCatalog.Adversarial.Concat(["sheep_counter", "memory_writer"]));

    /// <summary>Single random points (hops = 1), several seeds per component.</summary>
    [Theory]
    [MemberData(nameof(Components))]
    public void Random_points_in_deterministic_execution_are_exact(string component)
    {
        int seeds = 12 * TransitionHarness.Scale;
        for (int seed = 1; seed <= seeds; seed++)
            TransitionHarness.Deterministic(component, Ticks(component), seed, hops: 1);
        output.WriteLine($"{component}: {seeds} random points");
    }

    /// <summary>Chains of 5 hops at random points.</summary>
    [Theory]
    [MemberData(nameof(Components))]
    public void Chains_of_five_hops_in_deterministic_execution_are_exact(string component)
    {
        int chains = 3 * TransitionHarness.Scale;
        for (int seed = 1000; seed < 1000 + chains; seed++)
            TransitionHarness.Deterministic(component, Ticks(component), seed, hops: 5);
        output.WriteLine($"{component}: {chains} chains of 5 hops");
    }

    /// <summary>Random moments of threaded execution, each point restoring the previous point's child (a chain).</summary>
    [Theory]
    [MemberData(nameof(Components))]
    public void Random_points_in_threaded_execution_chain_exactly(string component)
    {
        int points = 5 * TransitionHarness.Scale;
        var report = TransitionHarness.Threaded(component, seed: 7, points);
        output.WriteLine($"{component}: {points} threaded points, longest checkpoint pause {report.MaxPause.TotalMilliseconds:F3} ms");
    }

    private static int Ticks(string component) => component == "memory_writer" ? 6 : 10;
}
