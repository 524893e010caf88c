using Rtcr.Capabilities;
using Rtcr.Memory;
using Rtcr.Quotas;
using Rtcr.Sessions;

namespace Rtcr.Sessions.Tests;

public sealed class RamSessionTests
{
    private static readonly ChildOptions SmallRam = new() { RamQuota = 64 * 1024 + 16 * 4096 }; // env RAM session gets 16 pages

    [Fact]
    public void Alloc_gives_a_zeroed_dataspace_rounded_up_to_pages_and_charges_the_quota()
    {
        using var h = new Harness();
        var ram = h.Env.Ram;
        long usedBefore = ram.Used();
        long capsBefore = h.Env.Domain.Caps.Used;

        var ds = ram.Alloc(100, cached: true);

        var dataspace = h.Env.Invoke(ds);
        Assert.Equal(RegionMap.PageSize, dataspace.Size());
        Assert.True(dataspace.Writable());
        var memory = Assert.IsType<RamDataspace>(dataspace.Memory());
        Assert.All(memory.GetSpan(0, (int)RegionMap.PageSize).ToArray(), b => Assert.Equal(0, b));
        Assert.Equal(usedBefore + RegionMap.PageSize, ram.Used());
        Assert.Equal(capsBefore + 1, h.Env.Domain.Caps.Used);
    }

    [Fact]
    public void Alloc_beyond_the_quota_throws_QuotaExceeded_and_allocates_nothing()
    {
        using var h = new Harness(SmallRam);
        var ram = h.Env.Ram;
        ram.Alloc(10 * 4096, cached: true);
        long used = ram.Used();
        long caps = h.Env.Domain.Caps.Used;
        int objects = h.Kernel.Objects.Count;

        var ex = Assert.Throws<QuotaExceededException>(() => ram.Alloc(7 * 4096, cached: true));

        Assert.Equal(QuotaKind.Ram, ex.Kind);
        Assert.Equal("app", ex.Requester);
        Assert.Equal(7 * 4096, ex.Requested);
        Assert.Equal(10 * 4096, ex.Used);
        Assert.Equal(16 * 4096, ex.Limit);
        Assert.Contains("RAM alloc", ex.Message);
        Assert.Equal(used, ram.Used());
        Assert.Equal(caps, h.Env.Domain.Caps.Used);
        Assert.Equal(objects, h.Kernel.Objects.Count);
        ram.Alloc(6 * 4096, cached: true); // exactly what is left still works
    }

    [Fact]
    public void Free_returns_the_quota_and_makes_the_capability_unusable()
    {
        using var h = new Harness();
        var ram = h.Env.Ram;
        long usedBefore = ram.Used();
        var ds = ram.Alloc(3 * 4096, cached: true);
        long badge = h.Env.Domain.BadgeOf(ds);
        // A delegated copy, as another component would hold it.
        var other = h.Kernel.CreateProtectionDomain("other", 8);
        var delegated = other.InstallBadge<IDataspace>(badge);

        ram.Free(ds);

        Assert.Equal(usedBefore, ram.Used());
        Assert.False(h.Env.Domain.IsValid(ds));
        Assert.Equal(CapabilityError.FreeSlot, Assert.Throws<CapabilityException>(() => h.Env.Invoke(ds)).Error);
        Assert.Equal(CapabilityError.Stale, Assert.Throws<CapabilityException>(() => other.Invoke(delegated)).Error);
        Assert.False(h.Kernel.Objects.TryGet(badge, out _));
    }

    [Fact]
    public void Freed_dataspace_is_detached_from_the_address_space()
    {
        using var h = new Harness();
        var ram = h.Env.Ram;
        var ds = ram.Alloc(4096, cached: true);
        var space = h.Env.Invoke(h.Env.Pd.AddressSpace());
        long at = space.Attach(ds, 0, 0, 0x100_0000, writable: true, executable: false);
        h.Env.Memory.Write(at, 1);

        ram.Free(ds);

        Assert.Throws<PageFaultException>(() => h.Env.Memory.Read<int>(at));
    }

    [Fact]
    public void Freeing_twice_or_a_foreign_dataspace_is_refused()
    {
        using var h = new Harness();
        var ram = h.Env.Ram;
        var ds = ram.Alloc(4096, cached: true);
        ram.Free(ds);

        Assert.Equal(CapabilityError.FreeSlot, Assert.Throws<CapabilityException>(() => ram.Free(ds)).Error);

        var second = h.Env.Session<IRamSession>("RAM", "second", ramQuota: 8192, capQuota: 2);
        var foreign = h.Env.Invoke(second).Alloc(4096, cached: true);
        Assert.Equal(CapabilityError.WrongType, Assert.Throws<CapabilityException>(() => ram.Free(foreign)).Error);
        Assert.True(h.Env.Domain.IsValid(foreign));
    }

    [Fact]
    public void Alloc_of_a_non_positive_size_is_rejected()
    {
        using var h = new Harness();

        Assert.Throws<ArgumentOutOfRangeException>(() => h.Env.Ram.Alloc(0, cached: true));
    }

    [Fact]
    public void Each_dataspace_costs_one_capability_of_the_session_quota()
    {
        using var h = new Harness();
        var cap = h.Env.Session<IRamSession>("RAM", "small", ramQuota: 8 * 4096, capQuota: 2);
        var ram = h.Env.Invoke(cap);
        ram.Alloc(4096, cached: true);
        ram.Alloc(4096, cached: true);
        long used = ram.Used();

        var ex = Assert.Throws<QuotaExceededException>(() => ram.Alloc(4096, cached: true));

        Assert.Equal(QuotaKind.Caps, ex.Kind);
        Assert.Equal(used, ram.Used()); // the RAM part was given back
    }

    [Fact]
    public void Alloc_with_a_full_capability_space_leaves_quota_and_memory_untouched()
    {
        // The four environment sessions take slots 0..3; one slot is left.
        using var h = new Harness(new ChildOptions { CapSlots = 5 });
        var ram = h.Env.Ram;
        ram.Alloc(4096, cached: true);
        long used = ram.Used();

        var ex = Assert.Throws<CapabilityException>(() => ram.Alloc(4096, cached: true));

        Assert.Equal(CapabilityError.SpaceExhausted, ex.Error);
        Assert.Equal(used, ram.Used());
    }

    [Fact]
    public void TransferQuota_moves_unused_quota_to_another_ram_session()
    {
        using var h = new Harness();
        var a = h.Env.Invoke(h.Env.Session<IRamSession>("RAM", "a", ramQuota: 10 * 4096, capQuota: 4));
        var bCap = h.Env.Session<IRamSession>("RAM", "b", ramQuota: 0, capQuota: 4);
        a.Alloc(4 * 4096, cached: true);

        a.TransferQuota(bCap, 6 * 4096);

        Assert.Equal(4 * 4096, a.Quota());
        Assert.Equal(6 * 4096, h.Env.Invoke(bCap).Quota());
    }

    [Fact]
    public void TransferQuota_of_more_than_unused_fails_and_leaves_both_sessions_unchanged()
    {
        using var h = new Harness();
        var a = h.Env.Invoke(h.Env.Session<IRamSession>("RAM", "a", ramQuota: 10 * 4096, capQuota: 4));
        var bCap = h.Env.Session<IRamSession>("RAM", "b", ramQuota: 4096, capQuota: 4);
        a.Alloc(4 * 4096, cached: true);

        var ex = Assert.Throws<QuotaExceededException>(() => a.TransferQuota(bCap, 6 * 4096 + 1));

        Assert.Contains("transfer_quota", ex.Message);
        Assert.Equal(10 * 4096, a.Quota());
        Assert.Equal(4 * 4096, a.Used());
        Assert.Equal(4096, h.Env.Invoke(bCap).Quota());
    }

    [Fact]
    public void Upgrade_raises_the_session_quota()
    {
        using var h = new Harness(SmallRam);
        var ram = h.Env.Ram;
        long before = ram.Quota();

        ram.Upgrade(8192, 1);

        Assert.Equal(before + 8192, ram.Quota());
    }
}
