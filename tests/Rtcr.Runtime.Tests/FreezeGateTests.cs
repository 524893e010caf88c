using Rtcr.Execution;
using Rtcr.Memory;

namespace Rtcr.Runtime.Tests;

/// <summary>
/// The rare states of a PD's freeze gate: every thread of a frozen PD waits at the one gate (so a thaw wakes
/// them with one pulse), a thaw racing a new freeze, threads created, killed or blocked in a page fault while
/// the PD is frozen, and the thread's own freeze next to its PD's.
/// </summary>
public sealed class FreezeGateTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(1);

    /// <summary>A one-step program: writes R0 to the address in R1, then halts.</summary>
    private sealed class WriteOnceProgram : IThreadProgram
    {
        public StepResult Step(ref ThreadRegisters r, AddressSpace memory, long now)
        {
            memory.Write(r.R1, r.R0);
            r.Ip = 1;
            return StepResult.Halt;
        }
    }

    private static KernelThread Add(Kernel kernel, ProtectionDomain pd, string name, IThreadProgram program)
    {
        var t = kernel.CreateThread(name, program, TestMemory.Empty());
        pd.AddThread(t);
        t.Start(0, 0);
        return t;
    }

    private static void WaitAtGate(ProtectionDomain pd, int threads) =>
        Assert.True(SpinWait.SpinUntil(() => pd.Gate.Waiting == threads, HangGuard), $"{pd.Gate.Waiting} of {threads} threads reached the gate (hang guard)");

    [Fact]
    public void Every_thread_of_a_frozen_pd_waits_at_its_one_gate_and_the_thaw_releases_them_all()
    {
        using var kernel = new Kernel(ExecutionMode.Threaded);
        var pd = kernel.CreateProtectionDomain("app");
        var threads = Enumerable.Range(0, 16).Select(i => Add(kernel, pd, $"t{i}", new CountingProgram())).ToArray();
        Assert.True(SpinWait.SpinUntil(() => threads.All(t => t.Steps > 0), HangGuard));

        pd.Freeze(HangGuard);
        var steps = threads.Select(t => t.Steps).ToArray();
        WaitAtGate(pd, threads.Length);

        Assert.True(pd.Gate.IsClosed);
        Assert.Equal(steps, threads.Select(t => t.Steps).ToArray()); // none stepped on the way to the gate
        pd.Thaw();
        Assert.False(pd.Gate.IsClosed);
        Assert.True(SpinWait.SpinUntil(() => threads.Select((t, i) => t.Steps > steps[i]).All(x => x), HangGuard));
        WaitAtGate(pd, 0);
    }

    [Fact]
    public void A_freeze_right_after_a_thaw_catches_every_thread_the_thaw_woke()
    {
        using var kernel = new Kernel(ExecutionMode.Threaded);
        var pd = kernel.CreateProtectionDomain("app");
        var threads = Enumerable.Range(0, 8).Select(i => Add(kernel, pd, $"t{i}", new CountingProgram())).ToArray();
        pd.Freeze(HangGuard);
        for (int round = 0; round < 200; round++)
        {
            pd.Thaw();
            pd.Freeze(HangGuard); // the woken threads are on their way out of the gate or in their first step
            Assert.All(threads, t => Assert.False(t.IsInStep));
            var steps = threads.Select(t => t.Steps).ToArray();
            WaitAtGate(pd, threads.Length); // every one went back to the gate ...
            Assert.Equal(steps, threads.Select(t => t.Steps).ToArray()); // ... without a step after the freeze returned
        }
        pd.Thaw();
        long before = threads.Sum(t => t.Steps);
        Assert.True(SpinWait.SpinUntil(() => threads.Sum(t => t.Steps) > before, HangGuard));
    }

    [Fact]
    public void A_thread_created_while_the_pd_is_frozen_waits_at_the_gate_until_the_thaw()
    {
        using var kernel = new Kernel(ExecutionMode.Threaded);
        var pd = kernel.CreateProtectionDomain("app");
        var old = Add(kernel, pd, "old", new CountingProgram());
        pd.Freeze(HangGuard);

        var late = Add(kernel, pd, "late", new CountingProgram());
        WaitAtGate(pd, 2);

        Assert.True(late.IsFrozen);
        Assert.Equal(0, late.Steps);
        pd.Thaw();
        Assert.True(SpinWait.SpinUntil(() => late.Steps > 0, HangGuard));
        Assert.False(late.IsFrozen);
        Assert.False(old.IsFrozen);
    }

    [Fact]
    public void A_running_thread_added_to_a_frozen_pd_is_stopped_before_AddThread_returns()
    {
        using var kernel = new Kernel(ExecutionMode.Threaded);
        var pd = kernel.CreateProtectionDomain("app");
        pd.Freeze(HangGuard);
        var busy = kernel.CreateThread("busy", new CountingProgram(), TestMemory.Empty());
        busy.Start(0, 0);
        Assert.True(SpinWait.SpinUntil(() => busy.Steps > 0, HangGuard));

        pd.AddThread(busy);

        Assert.False(busy.IsInStep);
        long steps = busy.Steps;
        WaitAtGate(pd, 1);
        Assert.Equal(steps, busy.Steps);
        pd.Thaw();
        Assert.True(SpinWait.SpinUntil(() => busy.Steps > steps, HangGuard));
    }

    [Fact]
    public void A_thread_killed_while_the_pd_is_frozen_leaves_the_gate_and_the_others_stay_frozen()
    {
        using var kernel = new Kernel(ExecutionMode.Threaded);
        var pd = kernel.CreateProtectionDomain("app");
        var threads = Enumerable.Range(0, 3).Select(i => Add(kernel, pd, $"t{i}", new CountingProgram())).ToArray();
        pd.Freeze(HangGuard);
        WaitAtGate(pd, 3);
        var steps = threads.Select(t => t.Steps).ToArray();

        pd.RemoveThread(threads[0]);
        kernel.DestroyThread(threads[0]);

        Assert.True(threads[0].WaitEnded(HangGuard), "the killed thread's OS thread did not end (hang guard)");
        Assert.True(threads[0].IsFinished);
        WaitAtGate(pd, 2);
        Assert.Equal(steps, threads.Select(t => t.Steps).ToArray());
        pd.Thaw();
        Assert.True(SpinWait.SpinUntil(() => threads[1].Steps > steps[1] && threads[2].Steps > steps[2], HangGuard));
        Assert.Equal(steps[0], threads[0].Steps);
    }

    [Fact]
    public void Disposing_the_kernel_while_the_pd_is_frozen_ends_every_thread_waiting_at_the_gate()
    {
        var kernel = new Kernel(ExecutionMode.Threaded);
        var pd = kernel.CreateProtectionDomain("app");
        var threads = Enumerable.Range(0, 16).Select(i => Add(kernel, pd, $"t{i}", new CountingProgram())).ToArray();
        pd.Freeze(HangGuard);
        WaitAtGate(pd, threads.Length);

        kernel.Dispose();

        Assert.All(threads, t => Assert.True(t.WaitEnded(HangGuard), $"{t.Name} did not end (hang guard)"));
        Assert.All(threads, t => Assert.True(t.IsFinished));
        Assert.Equal(0, pd.Gate.Waiting);
    }

    [Fact]
    public void A_fault_resolved_while_the_pd_is_frozen_is_not_retried_until_the_thaw()
    {
        using var kernel = new Kernel(ExecutionMode.Threaded);
        var pd = kernel.CreateProtectionDomain("app");
        var map = new RegionMap("app", 1 << 24);
        var pager = kernel.CreateEntrypoint("pager"); // the parent's pager: not frozen with the child
        using var backing = new RamDataspace(RegionMap.PageSize);
        using var faulted = new ManualResetEventSlim();
        using var resolve = new ManualResetEventSlim();
        pager.Register("fault", _ =>
        {
            faulted.Set();
            resolve.Wait(HangGuard);
            map.Attach(backing, at: 0xA000);
        });
        map.SetFaultHandler(new SignalContext(pager, "fault"));
        var writer = kernel.CreateThread("writer", new WriteOnceProgram(), new AddressSpace(map));
        writer.SetState(new ThreadRegisters { R0 = 1234, R1 = 0xA010 });
        pd.AddThread(writer);
        writer.Start(0, 0);
        Assert.True(faulted.Wait(HangGuard, TestContext.Current.CancellationToken));
        Assert.True(SpinWait.SpinUntil(() => writer.IsWaitingForFault, HangGuard));

        pd.Freeze(HangGuard); // a thread blocked in its fault counts as stopped
        resolve.Set();
        WaitAtGate(pd, 1); // the fault is resolved, the thread waits at the gate, still inside its fault

        Assert.True(writer.IsWaitingForFault);
        Assert.Equal(0, writer.Steps);
        Assert.Equal(0L, BitConverter.ToInt64(backing.GetSpan(0x10, 8))); // the access was not retried
        Assert.Equal(0L, writer.GetState().Ip); // registers as before the faulting step
        pd.Thaw();
        Assert.True(SpinWait.SpinUntil(() => writer.IsFinished, HangGuard), "writer never finished (hang guard)");
        Assert.Null(writer.Failure);
        Assert.Equal(1234L, BitConverter.ToInt64(backing.GetSpan(0x10, 8)));
    }

    [Fact]
    public void A_threads_own_freeze_and_its_pds_freeze_each_keep_it_stopped()
    {
        using var kernel = new Kernel();
        var pd = kernel.CreateProtectionDomain("app");
        var thread = kernel.CreateThread("t", new CountToProgram(), TestMemory.Empty());
        thread.SetState(new ThreadRegisters { R1 = 3 });
        pd.AddThread(thread);
        thread.Start(0, 0);

        thread.Freeze();
        pd.Freeze();
        pd.Thaw(); // the PD's thaw does not undo the thread's own freeze
        Assert.True(thread.IsFrozen);
        Assert.Equal(0, kernel.RunUntilIdle());

        pd.Freeze();
        thread.Thaw(); // nor does the thread's thaw undo its PD's freeze
        Assert.True(thread.IsFrozen);
        Assert.Equal(0, kernel.RunUntilIdle());

        pd.Thaw();
        Assert.False(thread.IsFrozen);
        Assert.Equal(3, kernel.RunUntilIdle());
    }
}
