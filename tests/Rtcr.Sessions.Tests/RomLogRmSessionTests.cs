using Rtcr.Capabilities;
using Rtcr.Memory;
using Rtcr.Quotas;
using Rtcr.Sessions;

namespace Rtcr.Sessions.Tests;

public sealed class RomSessionTests
{
    [Fact]
    public void Rom_session_serves_the_module_named_by_the_last_label_element()
    {
        using var h = new Harness();
        h.Host.Roms.Set("greeting", "hello, world");

        var rom = h.Env.Session<IRomSession>("ROM", "greeting");

        Assert.Equal("hello, world", h.Env.ReadRom(rom));
        var ds = h.Env.Invoke(h.Env.Invoke(rom).Dataspace());
        Assert.Equal(12, ds.Size());
        Assert.False(ds.Writable());
    }

    [Fact]
    public void Rom_dataspace_is_returned_once_and_cannot_be_attached_writable()
    {
        using var h = new Harness();
        h.Host.Roms.Set("m", "x");
        var rom = h.Env.Invoke(h.Env.Session<IRomSession>("ROM", "m"));
        var space = h.Env.Invoke(h.Env.Pd.AddressSpace());

        var ds = rom.Dataspace();

        Assert.Equal(ds, rom.Dataspace());
        var ex = Assert.Throws<RegionConflictException>(() => space.Attach(ds, 0, 0, -1, writable: true, executable: false));
        Assert.Contains("read-only", ex.Message);
    }

    [Fact]
    public void Missing_rom_module_names_the_module_and_the_available_ones()
    {
        using var h = new Harness();
        h.Host.Roms.Set("config", "<config/>");
        h.Host.Roms.Set("binary", "x");
        var rom = h.Env.Invoke(h.Env.Session<IRomSession>("ROM", "missing"));

        var ex = Assert.Throws<KeyNotFoundException>(() => rom.Dataspace());

        Assert.Contains("'missing'", ex.Message);
        Assert.Contains("binary, config", ex.Message);
    }

    [Fact]
    public void Update_refreshes_the_content_in_place_when_it_fits_and_sigh_is_notified()
    {
        using var h = new Harness();
        h.Host.Roms.Set("state", "version 1");
        var cap = h.Env.Session<IRomSession>("ROM", "state");
        var rom = h.Env.Invoke(cap);
        int changes = 0;
        rom.Sigh(h.Context("rom-changed", n => changes += n));
        Assert.Equal("version 1", h.Env.ReadRom(cap));

        h.Host.Roms.Set("state", "v2");
        ((RomSessionComponent)rom).NotifyChanged();
        h.Kernel.RunUntilIdle();

        Assert.Equal(1, changes);
        Assert.True(rom.Update());
        Assert.Equal("v2", h.Env.ReadRom(cap));

        h.Host.Roms.Set("state", "a much longer version 3");
        Assert.False(rom.Update());
        Assert.Equal("v2", h.Env.ReadRom(cap));
    }
}

public sealed class LogSessionTests
{
    [Fact]
    public void Log_lines_are_tagged_with_the_session_label()
    {
        using var h = new Harness();
        var log = h.Env.Invoke(h.Env.Session<ILogSession>("LOG"));
        var sub = h.Env.Invoke(h.Env.Session<ILogSession>("LOG", "worker"));

        log.Write("hello");
        sub.Write("busy");

        Assert.Equal(["[app] hello", "[app -> worker] busy"], h.Log.Lines);
    }

    [Fact]
    public void Overlong_log_line_is_rejected_and_nothing_is_logged()
    {
        using var h = new Harness();
        var log = h.Env.Invoke(h.Env.Session<ILogSession>("LOG"));

        Assert.Throws<ArgumentException>(() => log.Write(new string('x', LogSessionComponent.MaxLineLength + 1)));
        log.Write(new string('y', LogSessionComponent.MaxLineLength));

        Assert.Equal(1, h.Log.Count);
    }

    [Fact]
    public void Collecting_sink_forwards_lines()
    {
        var forwarded = new List<string>();
        var sink = new CollectingLogSink((label, text) => forwarded.Add($"{label}|{text}"));

        sink.Write("a", "b");

        Assert.Equal(["a|b"], forwarded);
        Assert.Equal(["[a] b"], sink.Lines);
    }
}

public sealed class RmSessionTests
{
    [Fact]
    public void Region_map_from_the_rm_session_works_as_a_managed_dataspace_in_the_address_space()
    {
        using var h = new Harness();
        var rm = h.Env.Rm;
        var mapCap = rm.Create(16 * 4096);
        var map = h.Env.Invoke(mapCap);
        var ds = h.Env.Ram.Alloc(4096, cached: true);
        map.Attach(ds, 0, 0, 2 * 4096, writable: true, executable: false);
        var space = h.Env.Invoke(h.Env.Pd.AddressSpace());

        long at = space.Attach(map.Dataspace(), 0, 0, 0x4000_0000, writable: true, executable: false);
        h.Env.Memory.Write(at + 2 * 4096 + 8, 77L);

        Assert.Equal(0x4000_0000, at);
        var ram = (RamDataspace)h.Env.Invoke(ds).Memory();
        Assert.Equal(77L, BitConverter.ToInt64(ram.GetSpan(8, 8)));
        Assert.Equal(map.Dataspace(), map.Dataspace());
    }

    [Fact]
    public void Fault_in_a_managed_region_map_is_resolved_by_the_components_handler()
    {
        using var h = new Harness();
        var map = h.Env.Invoke(h.Env.Rm.Create(16 * 4096));
        var ds = h.Env.Ram.Alloc(4096, cached: true);
        var states = new List<RegionMapState>();
        map.FaultHandler(h.Context("fault", _ =>
        {
            var state = map.State();
            states.Add(state);
            map.Attach(ds, 0, 0, state.Address & ~4095L, writable: true, executable: false);
        }));
        var space = h.Env.Invoke(h.Env.Pd.AddressSpace());
        long at = space.Attach(map.Dataspace(), 0, 0, -1, writable: true, executable: false);

        h.Env.Memory.Write(at + 5 * 4096 + 12, 3);

        Assert.Equal([new RegionMapState(FaultType.Write, 5 * 4096 + 12)], states);
        Assert.Equal(3, h.Env.Memory.Read<int>(at + 5 * 4096 + 12));
        Assert.Equal(FaultType.None, map.State().Type);
    }

    [Fact]
    public void Attach_overlap_through_the_session_interface_is_a_RegionConflict()
    {
        using var h = new Harness();
        var map = h.Env.Invoke(h.Env.Rm.Create(16 * 4096));
        var a = h.Env.Ram.Alloc(2 * 4096, cached: true);
        var b = h.Env.Ram.Alloc(4096, cached: true);
        map.Attach(a, 0, 0, 0, writable: true, executable: false);

        Assert.Throws<RegionConflictException>(() => map.Attach(b, 0, 0, 4096, writable: true, executable: false));
        Assert.Equal(2 * 4096, map.Attach(b, 0, 0, -1, writable: true, executable: false));

        map.Detach(0);
        Assert.Equal([2 * 4096L], map.Map().Attachments.Select(r => r.Start));
    }

    [Fact]
    public void Destroy_frees_the_region_map_capability_and_returns_the_quota()
    {
        using var h = new Harness();
        var rm = h.Env.Rm; // 16 caps
        var maps = Enumerable.Range(0, 16).Select(_ => rm.Create(4096)).ToList();
        Assert.Equal(QuotaKind.Caps, Assert.Throws<QuotaExceededException>(() => rm.Create(4096)).Kind);

        rm.Destroy(maps[3]);

        Assert.Equal(CapabilityError.FreeSlot, Assert.Throws<CapabilityException>(() => h.Env.Invoke(maps[3])).Error);
        rm.Create(4096);
    }

    [Fact]
    public void Attaching_a_capability_that_is_no_dataspace_is_refused()
    {
        using var h = new Harness();
        var map = h.Env.Invoke(h.Env.Rm.Create(16 * 4096));

        var ex = Assert.Throws<CapabilityException>(() => map.Attach(h.Env.Caps.Ram.As<IDataspace>(), 0, 0, -1, true, false));

        Assert.Equal(CapabilityError.WrongType, ex.Error);
        Assert.Empty(map.Map().Attachments);
    }
}
