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
}
