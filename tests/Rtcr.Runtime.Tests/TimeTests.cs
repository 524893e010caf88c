using Rtcr.Time;

namespace Rtcr.Runtime.Tests;

public sealed class TimeTests
{
    [Fact]
    public void Virtual_timers_fire_in_due_order_at_their_exact_virtual_times()
    {
        using var kernel = new Kernel();
        var fired = new List<(string Name, long At)>();
        void At(long due, string name) => kernel.Timers.Schedule(due, () => fired.Add((name, kernel.Clock.NowMicroseconds)));
        At(300, "c");
        At(100, "a");
        At(200, "b1");
        At(200, "b2"); // same due time: scheduling order

        kernel.AdvanceTo(250);
        Assert.Equal([("a", 100L), ("b1", 200L), ("b2", 200L)], fired);
        Assert.Equal(250, kernel.Clock.NowMicroseconds);

        kernel.AdvanceTo(1000);
        Assert.Equal(("c", 300L), fired[^1]);
        Assert.Equal(4, fired.Count);
        Assert.Equal(1000, kernel.Clock.NowMicroseconds);
        Assert.Null(kernel.NextEventMicroseconds);
    }

    [Fact]
    public void Virtual_time_stands_still_until_the_host_advances_it()
    {
        using var kernel = new Kernel(startMicroseconds: 5000);
        bool fired = false;
        kernel.Timers.Schedule(5001, () => fired = true);

        kernel.RunUntilIdle();

        Assert.Equal(5000, kernel.Clock.NowMicroseconds);
        Assert.True(kernel.Clock.IsVirtual);
        Assert.False(fired);

        kernel.Advance(1);
        Assert.True(fired);
        Assert.Equal(5001, kernel.Clock.NowMicroseconds);
    }

    [Fact]
    public void AdvanceToNextEvent_moves_time_to_the_next_timer_and_returns_false_when_none_is_left()
    {
        using var kernel = new Kernel();
        var times = new List<long>();
        kernel.Timers.Schedule(40, () => times.Add(kernel.Clock.NowMicroseconds));
        kernel.Timers.Schedule(90, () => times.Add(kernel.Clock.NowMicroseconds));

        Assert.True(kernel.AdvanceToNextEvent());
        Assert.Equal([40L], times);
        Assert.True(kernel.AdvanceToNextEvent());
        Assert.Equal([40L, 90L], times);
        Assert.False(kernel.AdvanceToNextEvent());
        Assert.Equal(90, kernel.Clock.NowMicroseconds);
    }

    [Fact]
    public void Cancelled_timer_does_not_fire()
    {
        using var kernel = new Kernel();
        var fired = new List<string>();
        long id = kernel.Timers.Schedule(100, () => fired.Add("cancelled"));
        kernel.Timers.Schedule(200, () => fired.Add("kept"));

        kernel.Timers.Cancel(id);
        kernel.Timers.Cancel(999); // unknown ids are ignored

        Assert.Equal(200, kernel.Timers.NextDue);
        kernel.AdvanceTo(1000);
        Assert.Equal(["kept"], fired);
    }

    [Fact]
    public void Timer_scheduled_by_a_timer_callback_within_the_advance_fires_in_the_same_advance()
    {
        using var kernel = new Kernel();
        var times = new List<long>();
        void Periodic() { times.Add(kernel.Clock.NowMicroseconds); kernel.Timers.Schedule(kernel.Clock.NowMicroseconds + 100, Periodic); }
        kernel.Timers.Schedule(100, Periodic);

        kernel.AdvanceTo(450);

        Assert.Equal([100L, 200, 300, 400], times);
    }

    [Fact]
    public void FireDue_fires_only_timers_due_at_or_before_the_given_time()
    {
        var clock = new VirtualClock();
        using var queue = new TimerQueue(clock);
        var fired = new List<long>();
        foreach (long due in new long[] { 30, 10, 20 }) queue.Schedule(due, () => fired.Add(due));

        Assert.Equal(2, queue.FireDue(20));
        Assert.Equal([10L, 20L], fired);
        Assert.Equal(30, queue.NextDue);
    }

    [Fact]
    public void Virtual_clock_never_goes_backwards()
    {
        var clock = new VirtualClock(100);

        clock.Set(150);
        var ex = Assert.Throws<InvalidOperationException>(() => clock.Set(149));

        Assert.Contains("backwards", ex.Message);
        Assert.Equal(150, clock.NowMicroseconds);
    }

    [Fact]
    public void Monotonic_clock_starts_at_its_offset_and_never_decreases()
    {
        var clock = new MonotonicClock(1_000_000);

        long previous = clock.NowMicroseconds;
        Assert.True(previous >= 1_000_000);
        for (int i = 0; i < 1000; i++)
        {
            long now = clock.NowMicroseconds;
            Assert.True(now >= previous);
            previous = now;
        }
        Assert.False(clock.IsVirtual);
    }

    [Fact]
    public void Real_time_timer_queue_fires_on_its_own_thread()
    {
        using var kernel = new Kernel(ExecutionMode.Threaded);
        using var fired = new ManualResetEventSlim();
        long scheduledAt = kernel.Clock.NowMicroseconds;
        long firedAt = 0;

        kernel.Timers.Schedule(scheduledAt + 1000, () => { firedAt = kernel.Clock.NowMicroseconds; fired.Set(); });

        Assert.True(fired.Wait(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken), "timer never fired (hang guard)");
        Assert.True(firedAt >= scheduledAt + 1000);
    }
}
