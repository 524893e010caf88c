using Rtcr.Sessions;

namespace Rtcr.Sessions.Tests;

public sealed class TimerSessionTests
{
    private static (Harness H, ITimerSession Timer, List<(long At, int Count)> Fired) Setup()
    {
        var h = new Harness();
        var fired = new List<(long, int)>();
        var context = h.Context("timeout", n => fired.Add((h.Kernel.Clock.NowMicroseconds, n)));
        var timer = h.Env.Invoke(h.Env.Session<ITimerSession>("Timer"));
        timer.Sigh(context);
        return (h, timer, fired);
    }

    [Fact]
    public void TriggerOnce_signals_once_at_exactly_the_programmed_time()
    {
        var (h, timer, fired) = Setup();
        using var _ = h;

        timer.TriggerOnce(500);
        h.Kernel.AdvanceTo(10_000);

        Assert.Equal([(500L, 1)], fired);
    }

    [Fact]
    public void TriggerPeriodic_signals_every_period_without_drift()
    {
        var (h, timer, fired) = Setup();
        using var _ = h;
        h.Kernel.AdvanceTo(30);

        timer.TriggerPeriodic(100);
        h.Kernel.AdvanceTo(450);

        Assert.Equal([(130L, 1), (230L, 1), (330L, 1), (430L, 1)], fired);
    }

    [Fact]
    public void TriggerPeriodic_zero_stops_the_timer()
    {
        var (h, timer, fired) = Setup();
        using var _ = h;
        timer.TriggerPeriodic(100);
        h.Kernel.AdvanceTo(250);

        timer.TriggerPeriodic(0);
        h.Kernel.AdvanceTo(1000);

        Assert.Equal(2, fired.Count);
        Assert.Null(h.Kernel.NextEventMicroseconds);
    }

    [Fact]
    public void Programming_a_new_timeout_replaces_the_pending_one()
    {
        var (h, timer, fired) = Setup();
        using var _ = h;

        timer.TriggerOnce(500);
        timer.TriggerOnce(200);
        h.Kernel.AdvanceTo(1000);

        Assert.Equal([(200L, 1)], fired);
    }

    [Fact]
    public void Timeouts_while_the_entrypoint_is_paused_coalesce_into_one_signal()
    {
        var (h, timer, fired) = Setup();
        using var _ = h;
        timer.TriggerPeriodic(100);

        h.Env.Entrypoint.Pause();
        h.Kernel.AdvanceTo(350);
        h.Env.Entrypoint.Resume();
        h.Kernel.RunUntilIdle();

        Assert.Equal([(350L, 3)], fired);
    }

    [Fact]
    public void Timer_without_a_signal_handler_fires_silently()
    {
        using var h = new Harness();
        var timer = h.Env.Invoke(h.Env.Session<ITimerSession>("Timer"));

        timer.TriggerOnce(100);
        h.Kernel.AdvanceTo(200);

        Assert.Equal(0, h.Env.Entrypoint.Dispatched);
    }

    [Fact]
    public void Elapsed_time_counts_from_session_creation_in_virtual_time()
    {
        using var h = new Harness();
        h.Kernel.AdvanceTo(1_000);
        var timer = h.Env.Invoke(h.Env.Session<ITimerSession>("Timer"));

        h.Kernel.AdvanceTo(2_501_000);

        Assert.Equal(2_500_000, timer.ElapsedUs());
        Assert.Equal(2_500, timer.ElapsedMs());
    }

    [Fact]
    public void Negative_timeouts_are_rejected()
    {
        using var h = new Harness();
        var timer = h.Env.Invoke(h.Env.Session<ITimerSession>("Timer"));

        Assert.Throws<ArgumentOutOfRangeException>(() => timer.TriggerOnce(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => timer.TriggerPeriodic(-1));
    }

    [Fact]
    public void Closing_the_timer_session_cancels_its_timeout()
    {
        var (h, _, fired) = Setup();
        using var __ = h;
        var cap = h.Env.Session<ITimerSession>("Timer");
        var timer = h.Env.Invoke(cap);
        timer.Sigh(h.Env.Pd.AllocContext(h.Env.Pd.AllocSignalSource(), "timeout"));
        timer.TriggerPeriodic(100);

        h.Env.Parent.Close(h.Env.Domain, cap);
        h.Kernel.AdvanceTo(1000);

        Assert.Empty(fired);
    }
}
