using Rtcr.Time;

namespace Rtcr.Runtime.Tests;

/// <summary>A checkpoint holds the real-time timer queue so that its cut is consistent.</summary>
public sealed class TimerHoldTests
{
    [Fact]
    public void Held_real_time_queue_fires_nothing_until_released()
    {
        var clock = new MonotonicClock();
        using var queue = new TimerQueue(clock);
        using var fired = new ManualResetEventSlim();
        queue.Hold();
        queue.Schedule(clock.NowMicroseconds, fired.Set);

        Assert.False(fired.Wait(TimeSpan.FromMilliseconds(200), TestContext.Current.CancellationToken));

        queue.Release();
        Assert.True(fired.Wait(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Release_without_hold_is_an_error()
    {
        using var queue = new TimerQueue(new VirtualClock());
        Assert.Throws<InvalidOperationException>(queue.Release);
    }

    [Fact]
    public void Holding_one_owner_lets_the_timers_of_every_other_owner_fire()
    {
        var clock = new MonotonicClock();
        using var queue = new TimerQueue(clock);
        object a = new(), b = new();
        using var firedA = new ManualResetEventSlim();
        using var firedB = new ManualResetEventSlim();
        queue.Hold(a);
        queue.Schedule(clock.NowMicroseconds, firedA.Set, 0, a);
        queue.Schedule(clock.NowMicroseconds + 1000, firedB.Set, 0, b);

        Assert.True(firedB.Wait(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken));
        Assert.False(firedA.IsSet);
        Assert.True(queue.IsHeld(a));
        Assert.False(queue.IsHeld(b));

        queue.Release(a);
        Assert.True(firedA.Wait(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken));
        Assert.Throws<InvalidOperationException>(() => queue.Release(a));
    }

    [Fact]
    public void Entries_of_a_held_owner_fire_in_due_order_after_release_and_cancelled_ones_not_at_all()
    {
        var clock = new MonotonicClock();
        using var queue = new TimerQueue(clock);
        object owner = new();
        var fired = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var last = new ManualResetEventSlim();
        queue.Hold(owner);
        queue.Hold(owner); // holds nest
        long now = clock.NowMicroseconds;
        queue.Schedule(now + 2, () => fired.Enqueue("second"), 0, owner);
        queue.Schedule(now + 1, () => fired.Enqueue("first"), 0, owner);
        long cancelled = queue.Schedule(now + 1, () => fired.Enqueue("cancelled"), 0, owner);
        queue.Schedule(now + 3, () => { fired.Enqueue("third"); last.Set(); }, 0, owner);
        // Let them fall due and be set aside while held, then cancel one of those set aside.
        Assert.True(SpinWait.SpinUntil(() => clock.NowMicroseconds > now + 50_000, TimeSpan.FromMinutes(1)));
        queue.Cancel(cancelled);
        queue.Release(owner);
        Assert.False(last.Wait(TimeSpan.FromMilliseconds(50), TestContext.Current.CancellationToken)); // still held once
        Assert.Equal(4, queue.Count);

        queue.Release(owner);
        Assert.True(last.Wait(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken));
        Assert.Equal(["first", "second", "third"], fired.ToArray());
    }

    [Fact]
    public void A_virtual_clock_fires_held_owners_as_the_host_advances_it()
    {
        var clock = new VirtualClock();
        using var queue = new TimerQueue(clock);
        object owner = new();
        int fired = 0;
        queue.Hold(owner);
        queue.Schedule(10, () => fired++, 0, owner);
        Assert.Equal(10, queue.NextDue);
        Assert.Equal(1, queue.FireDue(10)); // the host drives a virtual clock; nothing runs during a checkpoint
        Assert.Equal(1, fired);
        queue.Release(owner);
    }
}
