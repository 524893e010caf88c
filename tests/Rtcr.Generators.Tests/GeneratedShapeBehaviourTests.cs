using System.Reflection;
using Rtcr.Generators.Tests.Infrastructure;
using Rtcr.Recording;
using Rtcr.Services;

namespace Rtcr.Generators.Tests;

/// <summary>Shapes that used to compile but record the wrong thing: now they behave.</summary>
public sealed class GeneratedShapeBehaviourTests
{
    private const string Source = """
        using Rtcr;
        #nullable disable
        namespace Shapes.Run;
        [RtcrSession("Loose")] public interface ILoose
        {
            [Sets("name")] void Name(string name, int weight = 3, string tag = "t");
            [Sets("entry", KeyArg = "key")] void Put(string key, string value);
        }
        public sealed class Loose : ILoose
        {
            public void Name(string name, int weight = 3, string tag = "t") { }
            public void Put(string key, string value) { }
        }
        """;

    private static Assembly Service => GeneratorHarness.CompileAndLoad(Source);

    private static (ISessionRecorder Recorder, RecorderRegistry Registry) NewRecorder(Kernel kernel)
    {
        var registry = new RecorderRegistry();
        Service.GetType("Rtcr.Generated.RtcrRecorders", throwOnError: true)!.GetMethod("RegisterAll")!.Invoke(null, [registry]);
        var inner = Activator.CreateInstance(Service.GetType("Shapes.Run.Loose", throwOnError: true)!)!;
        var client = kernel.CreateProtectionDomain("client");
        Assert.True(registry.TryWrap("Loose", inner, new RecordingContext(client), new SessionArgs("loose", 0, 0), out var recorder));
        return ((ISessionRecorder)recorder, registry);
    }

    [Fact]
    public void Recorder_keeps_the_interfaces_default_values()
    {
        var parameters = Service.GetType("Shapes.Run.LooseRecorder", throwOnError: true)!.GetMethod("Name")!.GetParameters();

        Assert.Equal([false, true, true], parameters.Select(p => p.HasDefaultValue));
        Assert.Equal(3, parameters[1].DefaultValue);
        Assert.Equal("t", parameters[2].DefaultValue);
    }

    [Fact]
    public void Null_strings_from_a_nullable_disable_file_are_recorded_and_read_back()
    {
        using var kernel = new Kernel();
        var (recorder, registry) = NewRecorder(kernel);
        var loose = recorder.GetType();
        loose.GetMethod("Name")!.Invoke(recorder, [null, 5, null]);
        loose.GetMethod("Put")!.Invoke(recorder, ["k", null]);

        var state = recorder.Capture();
        var writer = new StateWriter();
        state.Write(writer);
        var reader = new StateReader(writer.WrittenSpan);
        var read = registry.GetReplayer("Loose").Read(ref reader);

        Assert.Equal(["[name] Name(null, 5, null)", "[entry:\"k\"] Put(\"k\", null)"], read.ToRecord().Settings.Select(s => s.ToString()));
    }
}
