using Rtcr.Capabilities;
using Rtcr.Recording;
using Rtcr.Recording.Fallback;
using Rtcr.Services;
using Rtcr.Sessions;

namespace Rtcr.Generators.Tests;

/// <summary>The generated recorders of Rtcr.Sessions in front of the real core session implementations.</summary>
public sealed class RealSessionTests
{
    private static (ProtectionDomain Client, IPdSession Pd, RecordingContext Context) Client(Kernel kernel, RecorderRegistry registry)
    {
        var client = kernel.CreateProtectionDomain("client", ramQuota: 1 << 20, capQuota: 100);
        client.Entrypoint = kernel.CreateEntrypoint("client-ep");
        var context = new RecordingContext(client);
        Assert.True(registry.TryWrap("PD", new PdSessionComponent(client), context, new SessionArgs("client", 0, 0), out var pd));
        return (client, (IPdSession)pd, context);
    }

    [Fact]
    public void Rom_and_timer_sessions_record_their_settings_through_generated_recorders()
    {
        var registry = SessionRecorders.CreateRegistry();
        using var kernel = new Kernel();
        var (client, pd, context) = Client(kernel, registry);
        var modules = new RomModules();
        modules.Set("config", "<config sheep=\"3\"/>");
        Assert.True(registry.TryWrap("ROM", new RomSessionComponent(client, "config", modules), context, new SessionArgs("config", 0, 0), out var romObject));
        using var timerCore = new TimerSessionComponent(client);
        Assert.True(registry.TryWrap("Timer", timerCore, context, new SessionArgs("timer", 0, 0), out var timerObject));
        var rom = (IRomSession)romObject;
        var timer = (ITimerSession)timerObject;

        var source = pd.AllocSignalSource();
        var handler = pd.AllocContext(source, "on_tick");
        rom.Dataspace();
        rom.Dataspace();
        rom.Sigh(handler);
        timer.Sigh(handler);
        timer.TriggerPeriodic(1000);
        timer.TriggerOnce(500);
        timer.Upgrade(4096, 1);

        long handlerBadge = client.BadgeOf(handler);
        var romRecord = ((ISessionRecorder)rom).Capture().ToRecord();
        Assert.Equal([$"[sigh] Sigh(cap:{handlerBadge})"], romRecord.Settings.Select(s => s.ToString()));
        var dataspace = Assert.Single(romRecord.Objects);
        Assert.Equal("IDataspace", dataspace.Interface);
        var timerRecord = ((ISessionRecorder)timer).Capture().ToRecord();
        Assert.Equal([$"[sigh] Sigh(cap:{handlerBadge})", "[trigger] TriggerOnce(500)"], timerRecord.Settings.Select(s => s.ToString()));
        Assert.Equal((4096L, 1L), (timerRecord.UpgradedRam, timerRecord.UpgradedCaps));
        var pdRecord = ((ISessionRecorder)pd).Capture().ToRecord();
        Assert.Equal(["ISignalSource", "ISignalContext"], pdRecord.Objects.Select(o => o.Interface));
        Assert.Equal("[creates] AllocContext(cap:" + client.BadgeOf(source) + ", \"on_tick\")", pdRecord.Objects[1].Creation.ToString());
    }

    [Fact]
    public void Fallback_records_a_real_timer_session_like_the_generated_recorder()
    {
        SessionRecord Record(Func<ITimerSession, RecordingContext, ITimerSession> wrap)
        {
            using var kernel = new Kernel();
            var client = kernel.CreateProtectionDomain("client");
            using var core = new TimerSessionComponent(client);
            var timer = wrap(core, new RecordingContext(client));
            timer.TriggerPeriodic(1000);
            timer.Sigh(Cap<ISignalContext>.Invalid);
            timer.TriggerOnce(500);
            timer.Upgrade(10, 1);
            _ = timer.ElapsedMs();
            return ((ISessionRecorder)timer).Capture().ToRecord();
        }

        var args = new SessionArgs("timer", 0, 0);
        var generated = Record((core, context) => new TimerSessionRecorder(core, context, args));
        var fallback = Record((core, context) => FallbackRecorder.Wrap<ITimerSession>(core, context, args));

        Assert.Equal(generated.Describe(), fallback.Describe());
    }
}
