using Rtcr.Capabilities;

namespace Rtcr.Runtime.Tests;

public sealed class CapabilityTests
{
    private static ProtectionDomain NewPd(int slots = 8, string label = "client") =>
        new Kernel().CreateProtectionDomain(label, slots);

    [Fact]
    public void Installed_capability_invokes_the_registered_object()
    {
        var pd = NewPd();
        var obj = new EchoObject();

        var cap = pd.Install<IEcho>(obj);

        Assert.True(cap.IsValid);
        Assert.Same(obj, pd.Invoke(cap));
        Assert.Equal("hi", pd.Invoke(cap).Echo("hi"));
        Assert.True(pd.Kernel.Objects.TryGet(pd.BadgeOf(cap), out var registered));
        Assert.Same(obj, registered);
    }

    [Fact]
    public void Index_equal_to_capacity_is_out_of_bounds()
    {
        var pd = NewPd(slots: 4, label: "bounded");

        var ex = Assert.Throws<CapabilityException>(() => pd.Invoke(new Cap<IEcho>(4)));

        Assert.Equal(CapabilityError.OutOfBounds, ex.Error);
        Assert.Equal(4, ex.Index);
        Assert.Equal("bounded", ex.Owner);
        Assert.Contains("capacity 4", ex.Message);
        Assert.Contains("bounded", ex.Message);
    }

    [Fact]
    public void Last_index_below_capacity_is_in_bounds()
    {
        var space = new CapabilitySpace("s", 4);
        space.AllocateAt(3, 42);

        Assert.Equal(42, space.Lookup(3));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(int.MaxValue)]
    [InlineData(-1)]
    public void Lookup_outside_the_space_throws_OutOfBounds(int index)
    {
        var space = new CapabilitySpace("s", 4);

        var ex = Assert.Throws<CapabilityException>(() => space.Lookup(index));

        Assert.Equal(CapabilityError.OutOfBounds, ex.Error);
        Assert.False(space.TryLookup(index, out _));
    }

    [Fact]
    public void Free_at_index_equal_to_capacity_is_out_of_bounds()
    {
        var space = new CapabilitySpace("s", 2);

        var ex = Assert.Throws<CapabilityException>(() => space.Free(2));

        Assert.Equal(CapabilityError.OutOfBounds, ex.Error);
    }

    [Fact]
    public void Invoking_a_never_allocated_slot_throws_FreeSlot()
    {
        var pd = NewPd();

        var ex = Assert.Throws<CapabilityException>(() => pd.Invoke(new Cap<IEcho>(2)));

        Assert.Equal(CapabilityError.FreeSlot, ex.Error);
        Assert.Equal(2, ex.Index);
    }

    [Fact]
    public void Invoking_a_freed_slot_throws_FreeSlot()
    {
        var pd = NewPd();
        var cap = pd.Install<IEcho>(new EchoObject());

        pd.Free(cap);

        var ex = Assert.Throws<CapabilityException>(() => pd.Invoke(cap));
        Assert.Equal(CapabilityError.FreeSlot, ex.Error);
        Assert.False(pd.IsValid(cap));
    }

    [Fact]
    public void Freeing_a_slot_twice_throws_FreeSlot()
    {
        var pd = NewPd();
        var cap = pd.Install<IEcho>(new EchoObject());
        pd.Free(cap);

        var ex = Assert.Throws<CapabilityException>(() => pd.Free(cap));

        Assert.Equal(CapabilityError.FreeSlot, ex.Error);
    }

    [Fact]
    public void Capability_whose_object_was_removed_is_Stale()
    {
        var pd = NewPd();
        var cap = pd.Install<IEcho>(new EchoObject());

        Assert.True(pd.Kernel.Objects.Remove(pd.BadgeOf(cap)));

        var ex = Assert.Throws<CapabilityException>(() => pd.Invoke(cap));
        Assert.Equal(CapabilityError.Stale, ex.Error);
        Assert.Equal(cap.Index, ex.Index);
        Assert.False(pd.IsValid(cap));
    }

    [Fact]
    public void Badges_are_never_reused_so_a_stale_capability_does_not_reach_a_newer_object()
    {
        var pd = NewPd();
        var old = pd.Install<IEcho>(new EchoObject());
        long oldBadge = pd.BadgeOf(old);
        pd.Kernel.Objects.Remove(oldBadge);

        var fresh = pd.Install<IEcho>(new EchoObject());

        Assert.NotEqual(oldBadge, pd.BadgeOf(fresh));
        Assert.Equal(CapabilityError.Stale, Assert.Throws<CapabilityException>(() => pd.Invoke(old)).Error);
    }

    [Fact]
    public void Delegated_capability_in_another_PD_becomes_Stale_when_the_object_is_removed()
    {
        var kernel = new Kernel();
        var owner = kernel.CreateProtectionDomain("owner", 4);
        var other = kernel.CreateProtectionDomain("other", 4);
        var cap = owner.Install<IEcho>(new EchoObject());
        var delegated = other.InstallBadge<IEcho>(owner.BadgeOf(cap));
        Assert.Equal("x", other.Invoke(delegated).Echo("x"));

        kernel.Objects.Remove(owner.BadgeOf(cap));

        var ex = Assert.Throws<CapabilityException>(() => other.Invoke(delegated));
        Assert.Equal(CapabilityError.Stale, ex.Error);
        Assert.Equal("other", ex.Owner);
    }

    [Fact]
    public void Delegating_a_badge_of_no_live_object_throws_Stale()
    {
        var pd = NewPd();

        var ex = Assert.Throws<CapabilityException>(() => pd.InstallBadge<IEcho>(12345));

        Assert.Equal(CapabilityError.Stale, ex.Error);
        Assert.Equal(0, pd.Caps.Used);
    }

    [Fact]
    public void Capability_used_as_the_wrong_interface_throws_WrongType_naming_both_types()
    {
        var pd = NewPd();
        var cap = pd.Install<IEcho>(new EchoObject());

        var ex = Assert.Throws<CapabilityException>(() => pd.Invoke(cap.As<ICounter>()));

        Assert.Equal(CapabilityError.WrongType, ex.Error);
        Assert.Contains(nameof(ICounter), ex.Message);
        Assert.Contains(nameof(IEcho), ex.Message);
        Assert.False(pd.IsValid(cap.As<ICounter>()));
        Assert.True(pd.IsValid(cap));
    }

    [Fact]
    public void Invoking_the_invalid_capability_throws_Invalid()
    {
        var pd = NewPd();

        Assert.Equal(CapabilityError.Invalid, Assert.Throws<CapabilityException>(() => pd.Invoke(Cap<IEcho>.Invalid)).Error);
        Assert.Equal(CapabilityError.Invalid, Assert.Throws<CapabilityException>(() => pd.BadgeOf(Cap<IEcho>.Invalid)).Error);
        Assert.Equal(CapabilityError.Invalid, Assert.Throws<CapabilityException>(() => pd.Free(Cap<IEcho>.Invalid)).Error);
    }

    [Fact]
    public void Default_capability_is_invalid_and_FromIndex_round_trips()
    {
        Assert.False(default(Cap<IEcho>).IsValid);
        Assert.Equal(-1, default(Cap<IEcho>).Index);
        Assert.Equal(Cap<IEcho>.Invalid, Cap<IEcho>.FromIndex(-1));
        Assert.Equal(7, Cap<IEcho>.FromIndex(7).Index);
        Assert.Equal(new Cap<IEcho>(0), Cap<IEcho>.FromIndex(0));
        Assert.True(Cap<IEcho>.FromIndex(0).IsValid);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Cap<IEcho>(-1));
    }

    [Fact]
    public void Full_space_throws_SpaceExhausted_and_unregisters_the_object()
    {
        var pd = NewPd(slots: 2, label: "tiny");
        pd.Install<IEcho>(new EchoObject());
        pd.Install<IEcho>(new EchoObject());
        int objects = pd.Kernel.Objects.Count;

        var ex = Assert.Throws<CapabilityException>(() => pd.Install<IEcho>(new EchoObject()));

        Assert.Equal(CapabilityError.SpaceExhausted, ex.Error);
        Assert.Contains("2 slots", ex.Message);
        Assert.Equal(objects, pd.Kernel.Objects.Count);
        Assert.Equal(2, pd.Caps.Used);
    }

    [Fact]
    public void Allocation_takes_the_lowest_free_slot_and_reuses_freed_slots()
    {
        var space = new CapabilitySpace("s", 4);
        Assert.Equal(0, space.Allocate(10));
        Assert.Equal(1, space.Allocate(11));
        Assert.Equal(2, space.Allocate(12));

        space.Free(1);
        space.Free(0);

        Assert.Equal(0, space.Allocate(13));
        Assert.Equal(1, space.Allocate(14));
        Assert.Equal(3, space.Allocate(15));
        Assert.Equal(4, space.Used);
    }

    [Fact]
    public void AllocateAt_restores_a_capability_at_its_old_index()
    {
        var kernel = new Kernel();
        var pd = kernel.CreateProtectionDomain("restored", 8);
        var obj = new EchoObject();
        long badge = kernel.Objects.Register(obj);

        pd.Caps.AllocateAt(5, badge);

        Assert.Same(obj, pd.Invoke(new Cap<IEcho>(5)));
        Assert.Equal(1, pd.Caps.Used);
        // Ordinary allocation still starts at the lowest free slot.
        Assert.Equal(0, pd.Install<IEcho>(new EchoObject()).Index);
    }

    [Fact]
    public void AllocateAt_an_occupied_slot_throws_SlotTaken_and_keeps_the_old_badge()
    {
        var space = new CapabilitySpace("s", 4);
        space.AllocateAt(2, 100);

        var ex = Assert.Throws<CapabilityException>(() => space.AllocateAt(2, 200));

        Assert.Equal(CapabilityError.SlotTaken, ex.Error);
        Assert.Equal(2, ex.Index);
        Assert.Equal(100, space.Lookup(2));
        Assert.Equal(1, space.Used);
    }

    [Fact]
    public void AllocateAt_index_equal_to_capacity_throws_OutOfBounds()
    {
        var space = new CapabilitySpace("s", 4);

        Assert.Equal(CapabilityError.OutOfBounds, Assert.Throws<CapabilityException>(() => space.AllocateAt(4, 1)).Error);
        Assert.Equal(0, space.Used);
    }

    [Fact]
    public void Allocate_skips_slots_taken_by_AllocateAt()
    {
        var space = new CapabilitySpace("s", 4);
        space.AllocateAt(0, 1);
        space.AllocateAt(1, 2);
        space.AllocateAt(3, 3);

        Assert.Equal(2, space.Allocate(4));
        Assert.Equal(CapabilityError.SpaceExhausted, Assert.Throws<CapabilityException>(() => space.Allocate(5)).Error);
    }

    [Fact]
    public void Snapshot_lists_occupied_slots_in_index_order_and_Clear_empties_the_space()
    {
        var space = new CapabilitySpace("s", 8);
        space.AllocateAt(6, 60);
        space.Allocate(10);
        space.AllocateAt(3, 30);

        Assert.Equal([(0, 10L), (3, 30L), (6, 60L)], space.Snapshot());

        space.Clear();

        Assert.Empty(space.Snapshot());
        Assert.Equal(0, space.Used);
        Assert.Equal(0, space.Allocate(1));
    }

    [Fact]
    public void Non_positive_badges_are_rejected()
    {
        var space = new CapabilitySpace("s", 2);

        Assert.Throws<ArgumentOutOfRangeException>(() => space.Allocate(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => space.AllocateAt(0, -1));
        Assert.Equal(0, space.Used);
    }

    [Fact]
    public void ObjectTable_Replace_puts_a_new_object_behind_an_existing_badge()
    {
        var pd = NewPd();
        var cap = pd.Install<IEcho>(new EchoObject());
        var proxy = new EchoObject();

        pd.Kernel.Objects.Replace(pd.BadgeOf(cap), proxy);

        Assert.Same(proxy, pd.Invoke(cap));
        Assert.Equal(pd.BadgeOf(cap), pd.Kernel.Objects.BadgeOf(proxy));
        Assert.Throws<KeyNotFoundException>(() => pd.Kernel.Objects.Replace(999_999, proxy));
    }
}
