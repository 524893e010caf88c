using System.Reflection;
using Rtcr.Generators.Tests.Infrastructure;
using Rtcr.Recording;
using Rtcr.Services;

namespace Rtcr.Generators.Tests;

/// <summary>
/// Compiles a test-only service with the generator, records a call sequence through the generated recorder,
/// serializes the state, replays it on a fresh kernel and checks that the rebuilt session records the same.
/// </summary>
public sealed class CompileAndRunTests
{
    // Compiled once per distinct generated output (GeneratorHarness caches by text).
    private static Assembly Service => GeneratorHarness.CompileAndLoad(GeneratorHarness.Input("KeyValueService.cs"));

    private static readonly SessionArgs Args = new SessionArgs("kv-client", 4096, 8).With("mode", "test");

    private static Type Scenario => Service.GetType("Rtcr.TestServices.Scenario", throwOnError: true)!;

    internal static RecorderRegistry Registry()
    {
        var registry = new RecorderRegistry();
        Service.GetType("Rtcr.Generated.RtcrRecorders", throwOnError: true)!
            .GetMethod("RegisterAll")!.Invoke(null, [registry]);
        return registry;
    }

    internal static object CreateCore(ProtectionDomain client) => Scenario.GetMethod("CreateCore")!.Invoke(null, [client])!;

    internal static void Drive(object session, ProtectionDomain client) => Scenario.GetMethod("Drive")!.Invoke(null, [session, client]);

    private static (ISessionRecorder Recorder, ProtectionDomain Client) RecordScenario(Kernel kernel)
    {
        var client = kernel.CreateProtectionDomain("client");
        Assert.True(Registry().TryWrap("KV", CreateCore(client), new RecordingContext(client), Args, out var recorder));
        Drive(recorder, client);
        return ((ISessionRecorder)recorder, client);
    }

    [Fact]
    public void Recorded_state_keeps_latest_value_per_key_in_first_set_order()
    {
        using var kernel = new Kernel();
        var (recorder, _) = RecordScenario(kernel);

        var record = recorder.Capture().ToRecord();

        Assert.Equal("KV", record.Service);
        Assert.Equal(Args, record.Args);
        Assert.Equal(["[mode] SetMode(Safe)", "[limit] ClearLimit()", $"[primary] Primary(cap:{record.Objects[0].Badge})"],
            record.Settings.Select(s => s.ToString()));
        Assert.Equal((150L, 3L), (record.UpgradedRam, record.UpgradedCaps));
    }

    [Fact]
    public void Creates_records_badge_and_wraps_created_object()
    {
        using var kernel = new Kernel();
        var (recorder, client) = RecordScenario(kernel);

        var record = recorder.Capture().ToRecord();

        // Bucket b was destroyed; bucket a and the two tags remain, in creation order.
        Assert.Equal(["IBucket", "ITag", "ITag"], record.Objects.Select(o => o.Interface));
        var bucket = record.Objects[0];
        Assert.Equal("[creates] CreateBucket(\"a\", 10)", bucket.Creation.ToString());
        Assert.True(kernel.Objects.TryGet(bucket.Badge, out var behindBadge));
        Assert.Equal("BucketRecorder", behindBadge.GetType().Name);
        Assert.Equal(["[entry:\"x\"] Put(\"x\", 3)", "[entry:\"z\"] Put(\"z\", -4)", "[slot:100] Pin(0.5, 100)", "[slot:101] Pin(1.25, 101)"],
            bucket.Settings.Select(s => s.ToString()));
        Assert.Equal("[position] Seek(42, 4, 1)", Assert.Single(Assert.Single(bucket.Objects).Settings).ToString());
        // An object that records nothing is not wrapped.
        Assert.True(kernel.Objects.TryGet(record.Objects[1].Badge, out var tag));
        Assert.Equal("TagObject", tag.GetType().Name);
        Assert.Equal("[creates] Tag(null)", record.Objects[2].Creation.ToString());
        _ = client;
    }

    [Fact]
    public void State_round_trips_through_writer_and_reader()
    {
        using var kernel = new Kernel();
        var (recorder, _) = RecordScenario(kernel);
        var state = recorder.Capture();

        var writer = new StateWriter();
        state.Write(writer);
        var reader = new StateReader(writer.WrittenSpan);
        var read = Registry().GetReplayer("KV").Read(ref reader);

        Assert.Equal(0, reader.Remaining);
        Assert.Equal(state.ToRecord().Describe(), read.ToRecord().Describe());
        Assert.Equal(Args, read.Args);
    }

    [Fact]
    public void Truncated_state_is_rejected_with_StateFormatException()
    {
        using var kernel = new Kernel();
        var (recorder, _) = RecordScenario(kernel);
        var writer = new StateWriter();
        recorder.Capture().Write(writer);
        var bytes = writer.ToArray()[..^3];

        Assert.Throws<StateFormatException>(() =>
        {
            var reader = new StateReader(bytes);
            Registry().GetReplayer("KV").Read(ref reader);
        });
    }

    [Fact]
    public void Replay_on_a_fresh_kernel_rebuilds_an_equal_record()
    {
        using var kernel = new Kernel();
        var (recorder, client) = RecordScenario(kernel);
        var original = recorder.Capture();
        var writer = new StateWriter();
        original.Write(writer);

        using var freshKernel = new Kernel();
        var freshClient = freshKernel.CreateProtectionDomain("client");
        var registry = Registry();
        var replayer = registry.GetReplayer("KV");
        var reader = new StateReader(writer.WrittenSpan);
        var read = replayer.Read(ref reader);
        Assert.True(registry.TryWrap("KV", CreateCore(freshClient), new RecordingContext(freshClient), read.Args, out var session));
        var context = new TestReplayContext(freshClient);

        replayer.ReplayCreations(read, session, context);
        replayer.ReplaySettings(read, session, context);

        var rebuilt = ((ISessionRecorder)session).Capture().ToRecord();
        Assert.Equal(original.ToRecord().Describe(), Badges.ToOld(rebuilt, context.Badges).Describe());
        // The hook restored what calls cannot show: the bucket's touch counter, on the real object.
        long newBucket = context.Badges[original.ToRecord().Objects[0].Badge];
        Assert.Equal(2, (int)Scenario.GetMethod("TouchesOfFirstBucket")!.Invoke(null, [freshClient, newBucket])!);
        _ = client;
    }

    // The scenario recorded on one kernel, and a fresh KV session for the same arguments on another.
    private static (ISessionState State, RecorderRegistry Registry, ProtectionDomain FreshClient, object Session) RecordAndWrapFresh(Kernel kernel, Kernel freshKernel)
    {
        var (recorder, _) = RecordScenario(kernel);
        var state = recorder.Capture();
        var freshClient = freshKernel.CreateProtectionDomain("client");
        var registry = Registry();
        Assert.True(registry.TryWrap("KV", CreateCore(freshClient), new RecordingContext(freshClient), state.Args, out var session));
        return (state, registry, freshClient, session);
    }

    [Fact]
    public void Replay_names_the_missing_object_when_a_capability_cannot_be_translated()
    {
        using var kernel = new Kernel();
        using var freshKernel = new Kernel();
        var (state, registry, freshClient, session) = RecordAndWrapFresh(kernel, freshKernel);

        // Settings before creations: the primary bucket was never recreated.
        var error = Assert.Throws<MissingObjectException>(() =>
            registry.GetReplayer("KV").ReplaySettings(state, session, new TestReplayContext(freshClient)));
        Assert.Contains("IKvSession.Primary", error.Message);
        Assert.Contains("'bucket'", error.Message);
    }

    [Fact]
    public void Replayer_refuses_a_foreign_state_or_session_and_changes_nothing()
    {
        using var kernel = new Kernel();
        using var freshKernel = new Kernel();
        var (state, registry, freshClient, session) = RecordAndWrapFresh(kernel, freshKernel);
        var replayer = registry.GetReplayer("KV");
        var context = new TestReplayContext(freshClient);

        var foreignState = Assert.Throws<ArgumentException>(() => replayer.ReplayCreations(new ForeignState(), session, context));
        Assert.Contains("state of a KV session", foreignState.Message);
        Assert.Contains(nameof(ForeignState), foreignState.Message);
        var foreignSession = Assert.Throws<ArgumentException>(() => replayer.ReplaySettings(state, "not a session", context));
        Assert.Contains("expected a IKvSession, got String", foreignSession.Message);
        // Nothing was created or set on the session before the refusals.
        Assert.Empty(context.Badges);
        Assert.Empty(((ISessionRecorder)session).Capture().ToRecord().Settings);
    }

    private sealed class ForeignState : ISessionState
    {
        public string Service => "KV";

        public SessionArgs Args => CompileAndRunTests.Args;

        public void Write(StateWriter writer) { }

        public SessionRecord ToRecord() => throw new NotSupportedException();
    }
}
