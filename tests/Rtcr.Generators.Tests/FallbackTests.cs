using Rtcr.Generators.Tests.Infrastructure;
using Rtcr.Recording;
using Rtcr.Recording.Fallback;
using Rtcr.Services;

namespace Rtcr.Generators.Tests;

/// <summary>The reflection fallback records the same canonical state as the generated recorder.</summary>
public sealed class FallbackTests
{
    private static readonly SessionArgs Args = new("kv-client", 4096, 8);

    private static Type SessionInterface => CompileAndRunTests.Registry().GetReplayer("KV").SessionInterface;

    private static SessionRecord Record(Func<object, RecordingContext, object> wrap)
    {
        using var kernel = new Kernel();
        var client = kernel.CreateProtectionDomain("client");
        var recorder = wrap(CompileAndRunTests.CreateCore(client), new RecordingContext(client));
        CompileAndRunTests.Drive(recorder, client);
        return ((ISessionRecorder)recorder).Capture().ToRecord();
    }

    [Fact]
    public void Generated_and_fallback_recorders_produce_equal_records()
    {
        var registry = CompileAndRunTests.Registry();
        var generated = Record((core, context) => registry.TryWrap("KV", core, context, Args, out var r) ? r : throw new InvalidOperationException());
        var fallback = Record((core, context) => FallbackRecorder.Wrap(SessionInterface, core, context, Args));

        Assert.Equal(generated.Describe(), fallback.Describe());
    }

    [Fact]
    public void Fallback_state_round_trips_and_replays_to_an_equal_record()
    {
        var registry = new RecorderRegistry();
        FallbackRecorder.Register(registry, SessionInterface);
        using var kernel = new Kernel();
        var client = kernel.CreateProtectionDomain("client");
        Assert.True(registry.TryWrap("KV", CompileAndRunTests.CreateCore(client), new RecordingContext(client), Args, out var recorder));
        CompileAndRunTests.Drive(recorder, client);
        var original = ((ISessionRecorder)recorder).Capture();
        var writer = new StateWriter();
        original.Write(writer);

        using var freshKernel = new Kernel();
        var freshClient = freshKernel.CreateProtectionDomain("client");
        var replayer = registry.GetReplayer("KV");
        var reader = new StateReader(writer.WrittenSpan);
        var read = replayer.Read(ref reader);
        Assert.True(registry.TryWrap("KV", CompileAndRunTests.CreateCore(freshClient), new RecordingContext(freshClient), read.Args, out var session));
        var context = new TestReplayContext(freshClient);
        replayer.ReplayCreations(read, session, context);
        replayer.ReplaySettings(read, session, context);

        var rebuilt = ((ISessionRecorder)session).Capture().ToRecord();
        Assert.Equal(original.ToRecord().Describe(), Badges.ToOld(rebuilt, context.Badges).Describe());
    }
}
