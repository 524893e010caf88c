using Rtcr.Time;

namespace Rtcr.Runtime.Tests;

/// <summary>Re-programming a timer over and over while time stands still does not grow the queue without bound.</summary>
public sealed class TimerQueueCompactionTests
{
    [Fact]
    public void Cancelled_timeouts_do_not_accumulate()
    {
        var clock = new VirtualClock();
        using var queue = new TimerQueue(clock);
        long id = queue.Schedule(1_000, () => { });
        for (int i = 0; i < 100_000; i++)
        {
            queue.Cancel(id);
            id = queue.Schedule(1_000 + i, () => { });
        }
        Assert.True(queue.Count < 200, $"{queue.Count} entries queued for one live timeout");

        int fired = 0;
        queue.Cancel(id);
        queue.Schedule(5_000, () => fired++);
        Assert.Equal(1, queue.FireDue(1_000_000));
        Assert.Equal(1, fired);
    }
}
