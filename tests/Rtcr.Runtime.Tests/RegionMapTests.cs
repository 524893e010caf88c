using Rtcr.Memory;

namespace Rtcr.Runtime.Tests;

public sealed class RegionMapTests
{
    private const long Page = RegionMap.PageSize;

    [Fact]
    public void Attach_at_a_fixed_address_maps_the_dataspace_there()
    {
        var map = new RegionMap("rm", 1 << 20);
        using var ds = new RamDataspace(2 * Page);

        long at = map.Attach(ds, at: 0x10000);

        Assert.Equal(0x10000, at);
        var region = Assert.Single(map.Attachments);
        Assert.Equal(new Attachment(0x10000, 2 * Page, ds, 0, true, false), region);
        Assert.Equal(0x10000 + 2 * Page, region.End);
    }

    [Fact]
    public void Writes_through_the_address_space_land_in_the_dataspace_at_the_region_offset()
    {
        var map = new RegionMap("rm", 1 << 20);
        using var ds = new RamDataspace(4 * Page);
        map.Attach(ds, size: Page, offset: 2 * Page, at: 0x8000);
        var memory = new AddressSpace(map);

        memory.Write(0x8000 + 16, 0x1122334455667788L);

        Assert.Equal(0x1122334455667788L, BitConverter.ToInt64(ds.GetSpan(2 * Page + 16, 8)));
        Assert.Equal(0x1122334455667788L, memory.Read<long>(0x8000 + 16));
    }

    [Fact]
    public void Attach_overlapping_an_existing_region_throws_RegionConflict_and_changes_nothing()
    {
        var map = new RegionMap("rm", 1 << 20);
        using var a = new RamDataspace(2 * Page);
        using var b = new RamDataspace(Page);
        map.Attach(a, at: 0x4000);

        var fromBelow = Assert.Throws<RegionConflictException>(() => map.Attach(b, at: 0x4000 - Page / 2));
        var inside = Assert.Throws<RegionConflictException>(() => map.Attach(b, at: 0x4000 + Page));
        var lastByte = Assert.Throws<RegionConflictException>(() => map.Attach(b, at: 0x4000 + 2 * Page - 1));

        Assert.Contains("overlaps", fromBelow.Message);
        Assert.Contains("0x4000", inside.Message);
        Assert.Equal("rm", lastByte.RegionMap);
        Assert.Single(map.Attachments);
    }

    [Fact]
    public void Adjacent_regions_do_not_overlap()
    {
        var map = new RegionMap("rm", 1 << 20);
        using var a = new RamDataspace(Page);
        using var b = new RamDataspace(Page);
        using var c = new RamDataspace(Page);

        map.Attach(b, at: 2 * Page);
        map.Attach(a, at: Page);
        map.Attach(c, at: 3 * Page);

        Assert.Equal([Page, 2 * Page, 3 * Page], map.Attachments.Select(r => r.Start));
    }

    [Fact]
    public void Attach_outside_the_map_throws_RegionConflict()
    {
        var map = new RegionMap("rm", 4 * Page);
        using var ds = new RamDataspace(2 * Page);

        Assert.Throws<RegionConflictException>(() => map.Attach(ds, at: 3 * Page));
        Assert.Throws<RegionConflictException>(() => map.Attach(ds, at: -Page));
        Assert.Equal(2 * Page, map.Attach(ds, at: 2 * Page)); // exactly at the end fits
    }

    [Fact]
    public void Attach_with_offset_or_size_outside_the_dataspace_throws_RegionConflict()
    {
        var map = new RegionMap("rm", 1 << 20);
        using var ds = new RamDataspace(2 * Page);

        var offset = Assert.Throws<RegionConflictException>(() => map.Attach(ds, offset: 2 * Page));
        var size = Assert.Throws<RegionConflictException>(() => map.Attach(ds, size: Page + 1, offset: Page));
        Assert.Throws<RegionConflictException>(() => map.Attach(ds, offset: -1));

        Assert.Contains("offset", offset.Message);
        Assert.Contains("exceeds the dataspace", size.Message);
        Assert.Empty(map.Attachments);
    }

    [Fact]
    public void Attach_without_address_places_regions_at_the_lowest_free_page_aligned_address()
    {
        var map = new RegionMap("rm", 1 << 20);
        using var a = new RamDataspace(100);     // not a page multiple
        using var b = new RamDataspace(Page);
        using var c = new RamDataspace(Page);
        using var d = new RamDataspace(Page / 2);

        Assert.Equal(0, map.Attach(a));
        Assert.Equal(Page, map.Attach(b));
        Assert.Equal(2 * Page, map.Attach(c));

        map.Detach(Page);
        Assert.Equal(Page, map.Attach(d)); // the hole is reused
    }

    [Fact]
    public void FindFree_skips_holes_that_are_too_small()
    {
        var map = new RegionMap("rm", 1 << 20);
        using var small = new RamDataspace(Page);
        using var big = new RamDataspace(3 * Page);
        using var fixedDs = new RamDataspace(Page);
        map.Attach(fixedDs, at: 2 * Page);

        Assert.Equal(3 * Page, map.Attach(big));
        Assert.Equal(0, map.Attach(small));
    }

    [Fact]
    public void Attach_into_a_full_map_throws_RegionConflict()
    {
        var map = new RegionMap("rm", 2 * Page);
        using var a = new RamDataspace(2 * Page);
        using var b = new RamDataspace(Page);
        map.Attach(a);

        var ex = Assert.Throws<RegionConflictException>(() => map.Attach(b));

        Assert.Contains("no free range", ex.Message);
    }

    [Fact]
    public void Detach_removes_the_region_containing_the_address()
    {
        var map = new RegionMap("rm", 1 << 20);
        using var ds = new RamDataspace(2 * Page);
        map.Attach(ds, at: 0x4000);

        map.Detach(0x4000 + Page + 7);

        Assert.Empty(map.Attachments);
    }

    [Fact]
    public void Detach_where_nothing_is_attached_throws_RegionConflict()
    {
        var map = new RegionMap("rm", 1 << 20);
        using var ds = new RamDataspace(Page);
        map.Attach(ds, at: 0x4000);

        var ex = Assert.Throws<RegionConflictException>(() => map.Detach(0x4000 + Page));

        Assert.Contains("no region", ex.Message);
        Assert.Single(map.Attachments);
    }

    [Fact]
    public void Access_after_detach_faults_even_though_the_translation_was_cached()
    {
        var map = new RegionMap("rm", 1 << 20);
        using var ds = new RamDataspace(Page);
        map.Attach(ds, at: 0x4000);
        var memory = new AddressSpace(map);
        memory.Write(0x4000, 5);
        Assert.Equal(5, memory.Read<int>(0x4000)); // now cached

        map.Detach(0x4000);

        var read = Assert.Throws<PageFaultException>(() => memory.Read<int>(0x4000));
        Assert.Equal(FaultType.Read, read.Type);
        Assert.Equal(0x4000, read.Address);
        Assert.Equal("rm", read.RegionMap);
        Assert.Equal(FaultType.Write, Assert.Throws<PageFaultException>(() => memory.Write(0x4000, 1)).Type);
    }

    [Fact]
    public void Reattaching_another_dataspace_is_seen_through_the_cached_address_space()
    {
        var map = new RegionMap("rm", 1 << 20);
        using var first = new RamDataspace(Page);
        using var second = new RamDataspace(Page);
        first.GetSpan(0, 1)[0] = 1;
        second.GetSpan(0, 1)[0] = 2;
        map.Attach(first, at: 0);
        var memory = new AddressSpace(map);
        Assert.Equal(1, memory.Read<byte>(0));

        map.Detach(0);
        map.Attach(second, at: 0);

        Assert.Equal(2, memory.Read<byte>(0));
    }

    [Fact]
    public void Access_to_an_unmapped_address_without_handler_throws_PageFault()
    {
        var map = new RegionMap("app:address-space", 1 << 20);
        var memory = new AddressSpace(map);

        var ex = Assert.Throws<PageFaultException>(() => memory.Read<long>(0x1234));

        Assert.Equal(FaultType.Read, ex.Type);
        Assert.Equal(0x1234, ex.Address);
        Assert.Contains("no fault handler", ex.Message);
        Assert.Contains("0x1234", ex.Message);
        Assert.Contains("app:address-space", ex.Message);
    }

    [Fact]
    public void Writing_a_read_only_region_faults_but_reading_it_works()
    {
        var map = new RegionMap("rm", 1 << 20);
        using var ds = new RamDataspace(Page);
        ds.GetSpan(8, 1)[0] = 77;
        map.Attach(ds, at: 0x2000, writable: false);
        var memory = new AddressSpace(map);

        Assert.Equal(77, memory.Read<byte>(0x2008));
        var ex = Assert.Throws<PageFaultException>(() => memory.Write<byte>(0x2008, 1));
        Assert.Equal(FaultType.Write, ex.Type);
        Assert.Equal(0x2008, ex.Address);
        Assert.Throws<PageFaultException>(() => memory.GetSpan(0x2000, 16, write: true));
        Assert.Equal(77, memory.GetSpan(0x2008, 1, write: false)[0]);
        Assert.Equal(77, ds.GetSpan(8, 1)[0]);
    }

    [Fact]
    public void Span_copies_may_cross_adjacent_regions()
    {
        var map = new RegionMap("rm", 1 << 20);
        using var a = new RamDataspace(Page);
        using var b = new RamDataspace(Page);
        map.Attach(a, at: 0);
        map.Attach(b, at: Page);
        var memory = new AddressSpace(map);
        byte[] data = Enumerable.Range(1, 16).Select(i => (byte)i).ToArray();

        memory.Write(Page - 8, data);

        var back = new byte[16];
        memory.Read(Page - 8, back);
        Assert.Equal(data, back);
        Assert.Equal(data[..8], a.GetSpan(Page - 8, 8).ToArray());
        Assert.Equal(data[8..], b.GetSpan(0, 8).ToArray());
    }

    [Fact]
    public void GetSpan_across_the_end_of_a_region_is_rejected()
    {
        var map = new RegionMap("rm", 1 << 20);
        using var a = new RamDataspace(Page);
        using var b = new RamDataspace(Page);
        map.Attach(a, at: 0);
        map.Attach(b, at: Page);
        var memory = new AddressSpace(map);

        Assert.Throws<ArgumentOutOfRangeException>(() => memory.GetSpan(Page - 4, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => memory.Read<long>(Page - 4));
    }

    [Fact]
    public void GetSpan_gives_direct_access_to_the_dataspace_bytes()
    {
        var map = new RegionMap("rm", 1 << 20);
        using var ds = new RamDataspace(Page);
        map.Attach(ds, at: 0x3000);
        var memory = new AddressSpace(map);

        memory.GetSpan(0x3010, 4).Fill(0xAB);

        Assert.Equal([0, 0xAB, 0xAB, 0xAB, 0xAB, 0], ds.GetSpan(0x0F, 6).ToArray());
    }

    [Fact]
    public void Freeing_a_dataspace_detaches_it_from_every_region_map()
    {
        var one = new RegionMap("one", 1 << 20);
        var two = new RegionMap("two", 1 << 20);
        var ds = new RamDataspace(Page);
        one.Attach(ds, at: 0);
        two.Attach(ds, at: Page);
        two.Attach(ds, at: 4 * Page);

        ds.Dispose();

        Assert.True(ds.IsFreed);
        Assert.Empty(one.Attachments);
        Assert.Empty(two.Attachments);
        Assert.Throws<PageFaultException>(() => new AddressSpace(one).Read<byte>(0));
    }

    [Fact]
    public void New_dataspace_is_zeroed_and_copies_out_exactly()
    {
        using var ds = new RamDataspace(3 * Page);
        var copy = new byte[3 * Page];
        ds.GetSpan(100, 1)[0] = 9;

        ds.CopyTo(copy);

        Assert.Equal(9, copy[100]);
        Assert.Equal(1, copy.Count(b => b != 0));
        Assert.Throws<ArgumentException>(() => ds.CopyTo(new byte[10]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ds.GetSpan(3 * Page - 1, 2));
    }

    [Fact]
    public void Managed_dataspace_writes_through_the_outer_address_space_reach_the_nested_ram()
    {
        var outer = new RegionMap("outer", 1L << 32);
        var inner = new RegionMap("inner", 16 * Page);
        using var ram = new RamDataspace(2 * Page);
        inner.Attach(ram, at: 4 * Page);
        outer.Attach(new ManagedDataspace(inner), at: 0x100_0000);
        var memory = new AddressSpace(outer);

        memory.Write(0x100_0000 + 4 * Page + 24, 0xCAFEL);

        Assert.Equal(0xCAFEL, BitConverter.ToInt64(ram.GetSpan(24, 8)));
        Assert.Equal(0xCAFEL, new AddressSpace(inner).Read<long>(4 * Page + 24));
        Assert.Equal(0xCAFEL, memory.Read<long>(0x100_0000 + 4 * Page + 24));
    }

    [Fact]
    public void Managed_dataspace_attached_with_an_offset_maps_the_nested_addresses_shifted()
    {
        var outer = new RegionMap("outer", 1 << 24);
        var inner = new RegionMap("inner", 8 * Page);
        using var ram = new RamDataspace(Page);
        inner.Attach(ram, at: 3 * Page);
        // Outer [0x10000, 0x10000 + 4 pages) shows inner [2 pages, 6 pages).
        outer.Attach(new ManagedDataspace(inner), size: 4 * Page, offset: 2 * Page, at: 0x10000);
        var memory = new AddressSpace(outer);

        memory.Write(0x10000 + Page + 8, 42);

        Assert.Equal(42, BitConverter.ToInt32(ram.GetSpan(8, 4)));
    }

    [Fact]
    public void Unmapped_address_inside_a_managed_dataspace_faults_in_the_nested_map_at_its_local_address()
    {
        var outer = new RegionMap("outer", 1 << 24);
        var inner = new RegionMap("inner", 8 * Page);
        outer.Attach(new ManagedDataspace(inner), at: 0x10000);
        var memory = new AddressSpace(outer);

        var ex = Assert.Throws<PageFaultException>(() => memory.Read<int>(0x10000 + 5 * Page + 4));

        Assert.Equal("inner", ex.RegionMap);
        Assert.Equal(5 * Page + 4, ex.Address);
    }

    [Fact]
    public void Managed_dataspace_cannot_contain_its_own_region_map()
    {
        var a = new RegionMap("a", 1 << 20);
        var b = new RegionMap("b", 1 << 16);
        a.Attach(new ManagedDataspace(b), at: 0);

        Assert.Throws<RegionConflictException>(() => a.Attach(new ManagedDataspace(a), at: 1 << 16));
        Assert.Throws<RegionConflictException>(() => b.Attach(new ManagedDataspace(a), at: 0));
        Assert.Empty(b.Attachments);
    }

    [Fact]
    public void Read_only_managed_region_makes_nested_writable_ram_read_only()
    {
        var outer = new RegionMap("outer", 1 << 24);
        var inner = new RegionMap("inner", 4 * Page);
        using var ram = new RamDataspace(Page);
        inner.Attach(ram, at: 0);
        outer.Attach(new ManagedDataspace(inner), at: 0, writable: false);
        var memory = new AddressSpace(outer);

        Assert.Equal(0, memory.Read<int>(0));
        Assert.Equal(FaultType.Write, Assert.Throws<PageFaultException>(() => memory.Write(0, 1)).Type);
    }
}
