using Rtcr.Capabilities;
using Rtcr.Memory;
using Rtcr.Quotas;
using Rtcr.Sessions;

namespace Rtcr.Sessions.Tests;

public sealed class PdSessionTests
{
    [Fact]
    public void Signal_source_context_and_submit_run_the_named_handler_with_the_coalesced_count()
    {
        using var h = new Harness();
        var calls = new List<int>();
        h.Env.Entrypoint.Register("on-signal", n => calls.Add(n));
        var pd = h.Env.Pd;

        var source = pd.AllocSignalSource();
        var context = pd.AllocContext(source, "on-signal");
        pd.Submit(context, 1);
        pd.Submit(context, 2);
        h.Kernel.RunUntilIdle();

        Assert.Equal([3], calls);
        Assert.Equal("on-signal", h.Env.Invoke(context).Handler());
        Assert.Same(h.Env.Entrypoint, h.Env.Invoke(source).Target());
        Assert.Same(h.Env.Entrypoint, h.Env.Invoke(context).Context().Entrypoint);
    }

    [Fact]
    public void Signal_objects_cost_cap_quota_and_freeing_returns_it()
    {
        using var h = new Harness();
        var pd = h.Env.Pd;
        long used = pd.UsedCaps();

        var source = pd.AllocSignalSource();
        var context = pd.AllocContext(source, "h");
        var rpc = pd.AllocRpcCap("rpc");
        Assert.Equal(used + 3, pd.UsedCaps());
        Assert.Equal("rpc", h.Env.Invoke(rpc).Handler());

        pd.FreeContext(context);
        pd.FreeSignalSource(source);
        pd.FreeRpcCap(rpc);

        Assert.Equal(used, pd.UsedCaps());
        Assert.Equal(CapabilityError.FreeSlot, Assert.Throws<CapabilityException>(() => pd.Submit(context, 1)).Error);
    }

    [Fact]
    public void Signal_allocation_beyond_the_pd_cap_quota_fails_cleanly()
    {
        using var h = new Harness(new ChildOptions { CapQuota = 540 }); // env sessions take 270 + 16 + 16
        var pd = h.Env.Pd;
        long free = pd.CapQuota() - pd.UsedCaps();
        var source = pd.AllocSignalSource();
        for (long i = 1; i < free; i++) pd.AllocContext(source, "h");
        long caps = h.Env.Domain.Caps.Used;

        var ex = Assert.Throws<QuotaExceededException>(() => pd.AllocContext(source, "h"));

        Assert.Equal(QuotaKind.Caps, ex.Kind);
        Assert.Contains("alloc_context", ex.Message);
        Assert.Equal(caps, h.Env.Domain.Caps.Used);
        Assert.Equal(pd.CapQuota(), pd.UsedCaps());
    }

    [Fact]
    public void Address_space_capability_is_stable_and_the_areas_are_attached_in_it()
    {
        using var h = new Harness();
        var pd = h.Env.Pd;

        var first = pd.AddressSpace();
        var second = pd.AddressSpace();
        var space = h.Env.Invoke(first).Map();
        var stack = h.Env.Invoke(pd.StackArea()).Map();
        var linker = h.Env.Invoke(pd.LinkerArea()).Map();

        Assert.Equal(first, second);
        Assert.Same(h.Env.Memory.Root, space);
        Assert.Equal(PdSessionComponent.AddressSpaceSize, space.Size);
        var areas = space.Attachments.Where(a => a.Dataspace is ManagedDataspace).ToDictionary(a => a.Start, a => ((ManagedDataspace)a.Dataspace).Map);
        Assert.Same(stack, areas[PdSessionComponent.StackAreaBase]);
        Assert.Same(linker, areas[PdSessionComponent.LinkerAreaBase]);
    }

    [Fact]
    public void Memory_attached_in_the_stack_area_is_reachable_through_the_address_space()
    {
        using var h = new Harness();
        var pd = h.Env.Pd;
        var ds = h.Env.Ram.Alloc(4096, cached: true);
        var stack = h.Env.Invoke(pd.StackArea());
        long at = stack.Attach(ds, 0, 0, 0x2000, writable: true, executable: false);

        h.Env.Memory.Write(PdSessionComponent.StackAreaBase + at + 16, 0x5151L);

        var ram = (RamDataspace)h.Env.Invoke(ds).Memory();
        Assert.Equal(0x5151L, BitConverter.ToInt64(ram.GetSpan(16, 8)));
    }

    [Fact]
    public void Pd_session_reports_and_upgrades_its_quota()
    {
        using var h = new Harness(new ChildOptions { RamQuota = 1 << 20, CapQuota = 600 });
        var pd = h.Env.Pd;

        Assert.Equal(1 << 20, pd.RamQuota());
        Assert.Equal(600, pd.CapQuota());
        Assert.Equal(h.Env.Domain.Quota.Used(QuotaKind.Ram), pd.UsedRam());

        pd.Upgrade(4096, 10);

        Assert.Equal((1 << 20) + 4096, pd.RamQuota());
        Assert.Equal(610, pd.CapQuota());
    }

    private static (Harness A, Child B, Cap<IPdSession> BInA) TwoChildren()
    {
        var a = new Harness(new ChildOptions { RamQuota = 1 << 20, CapQuota = 600 }, label: "a");
        var b = ChildLauncher.Start(a.Host.Parent, new TestProgram("b"), new ChildOptions { RamQuota = 1 << 20, CapQuota = 600 });
        var bInA = a.Env.Domain.InstallBadge<IPdSession>(b.Env.Domain.BadgeOf(b.Env.Caps.Pd));
        return (a, b, bInA);
    }

    [Fact]
    public void TransferQuota_moves_unused_pd_quota_to_another_pd()
    {
        var (a, b, bInA) = TwoChildren();
        using var _ = a;
        var ra = a.Env.Domain.Quota.Snapshot();
        var rb = b.Env.Domain.Quota.Snapshot();

        a.Env.Pd.TransferQuota(bInA, 1000, 5);

        Assert.Equal(ra with { RamLimit = ra.RamLimit - 1000, CapLimit = ra.CapLimit - 5 }, a.Env.Domain.Quota.Snapshot());
        Assert.Equal(rb with { RamLimit = rb.RamLimit + 1000, CapLimit = rb.CapLimit + 5 }, b.Env.Domain.Quota.Snapshot());
    }

    [Fact]
    public void TransferQuota_of_used_ram_fails_and_leaves_both_pds_unchanged()
    {
        // Seed bug "attempt to transfer initial quota".
        var (a, b, bInA) = TwoChildren();
        using var _ = a;
        var ra = a.Env.Domain.Quota.Snapshot();
        var rb = b.Env.Domain.Quota.Snapshot();

        var ex = Assert.Throws<QuotaExceededException>(() => a.Env.Pd.TransferQuota(bInA, ra.RamLimit - ra.RamUsed + 1, 1));

        Assert.Equal(QuotaKind.Ram, ex.Kind);
        Assert.Equal("a", ex.Account);
        Assert.Contains("transfer_quota to 'b'", ex.Message);
        Assert.Equal(ra, a.Env.Domain.Quota.Snapshot());
        Assert.Equal(rb, b.Env.Domain.Quota.Snapshot());
    }

    [Fact]
    public void TransferQuota_over_the_cap_limit_fails_without_moving_the_ram_part()
    {
        // Seed bug "cap limit exceeded during transfer_quota".
        var (a, b, bInA) = TwoChildren();
        using var _ = a;
        var ra = a.Env.Domain.Quota.Snapshot();
        var rb = b.Env.Domain.Quota.Snapshot();

        var ex = Assert.Throws<QuotaExceededException>(() => a.Env.Pd.TransferQuota(bInA, 1000, ra.CapLimit - ra.CapUsed + 1));

        Assert.Equal(QuotaKind.Caps, ex.Kind);
        Assert.Contains("cap_quota", ex.Message);
        Assert.Equal(ra, a.Env.Domain.Quota.Snapshot());
        Assert.Equal(rb, b.Env.Domain.Quota.Snapshot());
    }

    [Fact]
    public void TransferQuota_to_a_capability_that_is_no_pd_session_is_refused()
    {
        using var h = new Harness();
        var before = h.Env.Domain.Quota.Snapshot();

        var ex = Assert.Throws<CapabilityException>(() => h.Env.Pd.TransferQuota(h.Env.Caps.Ram.As<IPdSession>(), 10, 0));

        Assert.Equal(CapabilityError.WrongType, ex.Error);
        Assert.Equal(before, h.Env.Domain.Quota.Snapshot());
    }
}
