using Rtcr.Execution;
using Rtcr.Memory;

namespace Rtcr.Runtime.Tests;

public sealed class PageFaultTests
{
    private const long Page = RegionMap.PageSize;

    /// <summary>A one-step program: writes R0 to the address in R1, then halts.</summary>
    private sealed class WriteOnce : IThreadProgram
    {
        public StepResult Step(ref ThreadRegisters r, AddressSpace memory, long now)
        {
            memory.Write(r.R1, r.R0);
            r.Ip = 1;
            return StepResult.Halt;
        }
    }

    [Fact]
    public void Fault_signals_the_handler_which_reads_the_state_attaches_and_the_access_is_retried()
    {
        using var kernel = new Kernel();
        var map = new RegionMap("app", 1 << 24);
        var pager = kernel.CreateEntrypoint("pager");
        using var backing = new RamDataspace(Page);
        var seen = new List<RegionMapState>();
        pager.Register("fault", _ =>
        {
            var state = map.State();
            seen.Add(state);
            map.Attach(backing, at: state.Address & ~(Page - 1));
        });
        map.SetFaultHandler(new SignalContext(pager, "fault"));
        var memory = new AddressSpace(map);

        memory.Write(0x7008, 42L);

        Assert.Equal([new RegionMapState(FaultType.Write, 0x7008)], seen);
        Assert.Equal(42L, BitConverter.ToInt64(backing.GetSpan(8, 8)));
        Assert.Equal(42L, memory.Read<long>(0x7008));
        Assert.Equal(0x7000, Assert.Single(map.Attachments).Start);
        Assert.Equal(new RegionMapState(FaultType.None, 0), map.State());
    }

    [Fact]
    public void Read_fault_is_reported_as_a_read_at_the_faulting_address()
    {
        using var kernel = new Kernel();
        var map = new RegionMap("app", 1 << 24);
        var pager = kernel.CreateEntrypoint("pager");
        using var backing = new RamDataspace(Page);
        backing.GetSpan(0x10, 4).Fill(1);
        RegionMapState? seen = null;
        pager.Register("fault", _ =>
        {
            seen = map.State();
            map.Attach(backing, at: 0x3000);
        });
        map.SetFaultHandler(new SignalContext(pager, "fault"));

        int value = new AddressSpace(map).Read<int>(0x3010);

        Assert.Equal(0x01010101, value);
        Assert.Equal(new RegionMapState(FaultType.Read, 0x3010), seen);
    }

    [Fact]
    public void Fault_in_a_nested_managed_dataspace_goes_to_the_nested_maps_handler_with_its_local_address()
    {
        using var kernel = new Kernel();
        var outer = new RegionMap("outer", 1L << 32);
        var inner = new RegionMap("inner", 64 * Page);
        outer.Attach(new ManagedDataspace(inner), at: 0x4000_0000);
        var pager = kernel.CreateEntrypoint("pager");
        using var backing = new RamDataspace(Page);
        RegionMapState? seen = null;
        pager.Register("inner-fault", _ =>
        {
            seen = inner.State();
            inner.Attach(backing, at: seen.Value.Address & ~(Page - 1));
        });
        inner.SetFaultHandler(new SignalContext(pager, "inner-fault"));
        var memory = new AddressSpace(outer);

        memory.Write(0x4000_0000 + 9 * Page + 4, 7);

        Assert.Equal(new RegionMapState(FaultType.Write, 9 * Page + 4), seen);
        Assert.Equal(7, BitConverter.ToInt32(backing.GetSpan(4, 4)));
        Assert.Equal(FaultType.None, outer.State().Type);
    }

    [Fact]
    public void Handler_that_does_not_resolve_the_fault_gives_a_PageFault_naming_it()
    {
        using var kernel = new Kernel();
        var map = new RegionMap("app", 1 << 24);
        var pager = kernel.CreateEntrypoint("pager");
        int runs = 0;
        pager.Register("lazy", _ => runs++);
        map.SetFaultHandler(new SignalContext(pager, "lazy"));

        var ex = Assert.Throws<PageFaultException>(() => new AddressSpace(map).Read<int>(0x5000));

        Assert.Contains("'lazy'", ex.Message);
        Assert.Contains("did not resolve", ex.Message);
        Assert.True(runs >= 1);
        Assert.Equal(new RegionMapState(FaultType.Read, 0x5000), map.State());
    }

    [Fact]
    public void Paused_pager_entrypoint_cannot_resolve_the_fault()
    {
        using var kernel = new Kernel();
        var map = new RegionMap("app", 1 << 24);
        var pager = kernel.CreateEntrypoint("pager");
        using var backing = new RamDataspace(Page);
        pager.Register("fault", _ => map.Attach(backing, at: 0));
        map.SetFaultHandler(new SignalContext(pager, "fault"));
        pager.Pause();

        Assert.Throws<PageFaultException>(() => new AddressSpace(map).Read<int>(0));
        Assert.Empty(map.Attachments);
    }

    [Fact]
    public void Removing_the_fault_handler_makes_faults_fatal_again()
    {
        using var kernel = new Kernel();
        var map = new RegionMap("app", 1 << 24);
        var pager = kernel.CreateEntrypoint("pager");
        pager.Register("fault", _ => { });
        var context = new SignalContext(pager, "fault");
        map.SetFaultHandler(context);
        Assert.Same(context, map.FaultHandler);

        map.SetFaultHandler(null);

        var ex = Assert.Throws<PageFaultException>(() => new AddressSpace(map).Read<int>(0));
        Assert.Contains("no fault handler", ex.Message);
        Assert.Null(map.FaultHandler);
    }

    [Fact]
    public void Deterministic_thread_faulting_in_a_step_is_resolved_by_the_pager_and_completes_the_step()
    {
        using var kernel = new Kernel();
        var map = new RegionMap("app", 1 << 24);
        var pager = kernel.CreateEntrypoint("pager");
        using var backing = new RamDataspace(Page);
        pager.Register("fault", _ => map.Attach(backing, at: map.State().Address & ~(Page - 1)));
        map.SetFaultHandler(new SignalContext(pager, "fault"));
        var thread = kernel.CreateThread("writer", new WriteOnce(), new AddressSpace(map));
        thread.SetState(new ThreadRegisters { R0 = 99, R1 = 0x9000 });
        thread.Start(0, 0);
        // Start resets IP/SP only; the registers set before keep their values.

        kernel.RunUntilIdle();

        Assert.True(thread.IsFinished);
        Assert.Null(thread.Failure);
        Assert.Equal(99L, BitConverter.ToInt64(backing.GetSpan(0, 8)));
    }

    [Fact]
    public void Threaded_writer_blocks_on_a_fault_until_a_threaded_handler_resolves_it()
    {
        using var kernel = new Kernel(ExecutionMode.Threaded);
        var map = new RegionMap("app", 1 << 24);
        var pager = kernel.CreateEntrypoint("pager");
        using var backing = new RamDataspace(Page);
        KernelThread? writer = null;
        using var writerCreated = new ManualResetEventSlim();
        long stepsSeenByHandler = -1;
        RegionMapState stateSeenByHandler = default;
        pager.Register("fault", _ =>
        {
            writerCreated.Wait(TestContext.Current.CancellationToken);
            stepsSeenByHandler = writer!.Steps;
            stateSeenByHandler = map.State();
            map.Attach(backing, at: stateSeenByHandler.Address & ~(Page - 1));
        });
        map.SetFaultHandler(new SignalContext(pager, "fault"));
        writer = kernel.CreateThread("writer", new WriteOnce(), new AddressSpace(map));
        writer.SetState(new ThreadRegisters { R0 = 1234, R1 = 0xA010 });
        writerCreated.Set();

        writer.Start(0, 0);

        Assert.True(SpinWait.SpinUntil(() => writer.IsFinished, TimeSpan.FromMinutes(1)), "writer never finished (hang guard)");
        Assert.Null(writer.Failure);
        Assert.Equal(0, stepsSeenByHandler); // the faulting step had not completed when the handler ran
        Assert.Equal(new RegionMapState(FaultType.Write, 0xA010), stateSeenByHandler);
        Assert.Equal(1, writer.Steps);
        Assert.Equal(1234L, BitConverter.ToInt64(backing.GetSpan(0x10, 8)));
        Assert.Null(pager.Failure);
    }
}
