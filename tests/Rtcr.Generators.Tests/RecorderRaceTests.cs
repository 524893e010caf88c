using System.Reflection;
using Rtcr.Generators.Tests.Infrastructure;
using Rtcr.Recording;
using Rtcr.Services;

namespace Rtcr.Generators.Tests;

/// <summary>
/// Stress: two threads record on one object at once. The record must equal the real object's final state
/// after every round (forwarding and recording are one atomic step), and keys must be ordered exactly as
/// the object first saw them set.
/// </summary>
public sealed class RecorderRaceTests
{
    private const int Rounds = 200;

    private static readonly Lazy<Assembly> Service = new(() => GeneratorHarness.CompileAndLoad(GeneratorHarness.Input("RaceService.cs")));

    private static (ISessionRecorder Recorder, object Inner) NewSession(Kernel kernel)
    {
        var registry = new RecorderRegistry();
        Service.Value.GetType("Rtcr.Generated.RtcrRecorders", throwOnError: true)!.GetMethod("RegisterAll")!.Invoke(null, [registry]);
        var inner = Activator.CreateInstance(Service.Value.GetType("Rtcr.TestServices.RaceSession", throwOnError: true)!)!;
        var client = kernel.CreateProtectionDomain("client");
        Assert.True(registry.TryWrap("Race", inner, new RecordingContext(client), new SessionArgs("race", 0, 0), out var recorder));
        return ((ISessionRecorder)recorder, inner);
    }

    private static void Race(object session, int calls, string what) =>
        Service.Value.GetType("Rtcr.TestServices.Race", throwOnError: true)!.GetMethod("Run")!.Invoke(null, [session, calls, what]);

    private static long Read(object inner, string property) => (long)inner.GetType().GetProperty(property)!.GetValue(inner)!;

    [Theory]
    [InlineData("set", "value")]
    [InlineData("mixed", "value")]
    [InlineData("put", "entry:7")]
    public void Racing_sets_leave_the_recorded_value_equal_to_the_objects_state(string what, string key)
    {
        using var kernel = new Kernel();
        int mismatches = 0;
        string? first = null;
        for (int round = 0; round < Rounds; round++)
        {
            var (recorder, inner) = NewSession(kernel);
            Race(recorder, 20, what);

            var recorded = recorder.Capture().ToRecord().Settings.Single(s => s.Key == key);
            long actual = Read(inner, key == "value" ? "Value" : "Entry");
            if (recorded.Arguments[key == "value" ? 0 : 1] != actual.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                mismatches++;
                first ??= $"round {round}: recorded {recorded}, object holds {actual}";
            }
        }
        Assert.True(mismatches == 0, $"{mismatches} of {Rounds} rounds recorded a value the object does not hold; first: {first}");
    }

    [Fact]
    public void Racing_first_sets_are_ordered_as_the_object_saw_them()
    {
        using var kernel = new Kernel();
        int mismatches = 0;
        for (int round = 0; round < Rounds; round++)
        {
            var (recorder, inner) = NewSession(kernel);
            Race(recorder, 1, "first");

            var recordedOrder = recorder.Capture().ToRecord().Settings.Select(s => s.Key).ToArray();
            var objectOrder = (string[])inner.GetType().GetProperty("FirstSetOrder")!.GetValue(inner)!;
            Assert.Equal(2, objectOrder.Length);
            if (!recordedOrder.SequenceEqual(objectOrder)) mismatches++;
        }
        Assert.Equal(0, mismatches);
    }
}
