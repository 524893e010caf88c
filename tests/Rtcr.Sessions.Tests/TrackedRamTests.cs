using Rtcr.Memory;
using Rtcr.Tracking;

namespace Rtcr.Sessions.Tests;

/// <summary>What a child sees of tracked RAM: an ordinary dataspace; what the parent sees: designated dataspaces.</summary>
public sealed class TrackedRamTests
{
    private static ChildOptions Tracked(Func<int, long, long?>? granularityFor = null) =>
        new() { Tracking = new TrackingOptions { Granularity = 16 * 1024, GranularityFor = granularityFor } };

    private static (ComponentHost Host, Child Child) Start(ChildOptions options, Action<Env> construct)
    {
        var host = new ComponentHost();
        return (host, host.Start(new TestProgram("app", construct: construct), "<config/>", options));
    }

    [Fact]
    public void A_tracked_child_gets_dataspaces_of_the_same_size_type_and_addresses_and_the_same_quota_charge()
    {
        long plainUsed = 0, trackedUsed = 0;
        var (plainHost, plain) = Start(new ChildOptions(), env => env.AllocAndAttach(100 * 1024, 0x2000_0000));
        var (trackedHost, tracked) = Start(Tracked(), env => env.AllocAndAttach(100 * 1024, 0x2000_0000));
        using (plainHost) using (trackedHost)
        {
            plainUsed = plain.Env.Ram.Used();
            trackedUsed = tracked.Env.Ram.Used();
            var tracker = trackedHost.TrackerOf(tracked)!;
            var ds = Assert.Single(tracker.Dataspaces);
            Assert.Equal(100 * 1024, ds.Size);
            Assert.Equal(7, ds.DesignatedCount); // six of 16 KiB and the last of 4 KiB
            tracked.Env.Memory.Write(0x2000_0000 + 99 * 1024, 5L);
            Assert.Equal(5L, tracked.Env.Memory.Read<long>(0x2000_0000 + 99 * 1024));
            Assert.Equal([new MemoryRange(96 * 1024, 4 * 1024)], ds.DirtyRanges());
            Assert.Null(plainHost.TrackerOf(plain));
        }
        Assert.Equal(plainUsed, trackedUsed);
    }

    [Fact]
    public void Granularity_can_differ_per_dataspace()
    {
        var options = Tracked((ordinal, size) => ordinal == 1 ? 1024 * 1024 : null);
        var (host, child) = Start(options, env =>
        {
            env.AllocAndAttach(4 * 1024 * 1024, 0x2000_0000);
            env.AllocAndAttach(4 * 1024 * 1024, 0x3000_0000);
        });
        using (host)
        {
            var dataspaces = host.TrackerOf(child)!.Dataspaces;
            Assert.Equal(256, dataspaces[0].DesignatedCount);
            Assert.Equal(4, dataspaces[1].DesignatedCount);
        }
    }

    [Fact]
    public void Freeing_tracked_RAM_releases_it_from_the_tracker_and_refunds_the_quota()
    {
        var (host, child) = Start(Tracked(), _ => { });
        using (host)
        {
            long used = child.Env.Ram.Used();
            var cap = child.Env.Ram.Alloc(64 * 1024, cached: true);
            var memory = child.Env.Invoke(cap).Memory();
            Assert.IsType<TrackedDataspace>(memory);

            child.Env.Ram.Free(cap);

            Assert.Empty(host.TrackerOf(child)!.Dataspaces);
            Assert.True(((TrackedDataspace)memory).ContentRam.IsFreed);
            Assert.Equal(used, child.Env.Ram.Used());
        }
    }

    [Fact]
    public void Invalid_tracking_options_are_refused_with_the_setting_named()
    {
        var ex = Assert.Throws<ArgumentException>(() => new TrackingOptions { Granularity = 3000 }.Validate());
        Assert.Contains("Granularity must be a power of two from 4 KiB to 4 MiB", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => new TrackingOptions { MinGranularity = 1 << 20, MaxGranularity = 1 << 16 }.Validate());
        Assert.Contains("MinGranularity", ex.Message);
    }
}
