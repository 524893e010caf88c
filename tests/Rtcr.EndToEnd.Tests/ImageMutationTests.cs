using Rtcr.Fuzz;

namespace Rtcr.EndToEnd.Tests;

/// <summary>
/// The image fuzzer in CI (fuzz/Rtcr.Fuzz, docs/fuzzing.md): thousands of mutated images of both
/// samples — raw damage, the same damage with every checksum recomputed, and semantic manifest
/// mutations — each read, restored and run for its first ticks. Every case must end as a typed
/// refusal or as a restored child that runs; any other exception, a child that fails at once, or a
/// case that does not finish is a failure, listed with the mutation that made it.
/// </summary>
public sealed class ImageMutationTests
{
    private const int CasesPerSeed = 1500;
    private static readonly Lazy<IReadOnlyList<SeedImage>> s_seeds = new(SeedImage.Standard);

    [Theory]
    [InlineData(101)]
    [InlineData(202)]
    [InlineData(303)]
    public void Mutated_images_are_refused_typed_or_restore_into_a_running_child(int seed)
    {
        var mutator = new ImageMutator(s_seeds.Value, new Random(seed));
        var tally = new FuzzTally();
        for (int i = 0; i < CasesPerSeed; i++)
        {
            var mutant = mutator.Next();
            // A bounded wait, not a speed goal: a case still running after it is a hang.
            tally.Add(i, mutant, CaseRunner.Run(mutant.Bytes, mutant.Seed, TimeSpan.FromSeconds(60)));
        }
        Assert.True(tally.Failures.Count == 0,
            $"{tally.Failures.Count} cases outside {{restored, refused}} (reproduce: dotnet run --project fuzz/Rtcr.Fuzz -- mutate --cases {CasesPerSeed} --seed {seed}):\n"
            + string.Join("\n", tally.Failures.Take(20).Select(f => $"case {f.Case}: {f.Result.Outcome} after {f.Mutation}: {f.Result.Detail}"))
            + "\n" + tally.Describe());
        // The mutations must reach both ends: some images restore, most are refused.
        Assert.InRange(tally.Count(CaseOutcome.Restored), CasesPerSeed / 20, CasesPerSeed / 2);
        Assert.True(tally.Count(CaseOutcome.Refused) > CasesPerSeed / 2, tally.Describe());
    }

    [Fact]
    public void Untouched_seed_images_restore_equal_to_the_checkpointed_child()
    {
        foreach (var seed in s_seeds.Value)
        {
            var result = CaseRunner.RunInline(seed.Bytes, seed);
            Assert.True(result.Outcome == CaseOutcome.Restored, $"{seed.Name}: {result.Detail}");
        }
    }

    [Fact]
    public void Resealing_an_untouched_image_changes_nothing()
    {
        foreach (var seed in s_seeds.Value)
            Assert.Equal(seed.Bytes, ImageBytes.Reseal((byte[])seed.Bytes.Clone()));
    }
}
