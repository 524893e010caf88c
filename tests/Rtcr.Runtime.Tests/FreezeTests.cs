using Rtcr.Checkpoint;
using Rtcr.Execution;
using Rtcr.Memory;

namespace Rtcr.Runtime.Tests;

/// <summary>
/// A PD's freeze asks every thread and the entrypoint to stop at once and then waits for all of them,
/// bounded by a pause timeout: what does not stop in time is named, and the freeze is undone.
/// </summary>
public sealed class FreezeTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(1);

    /// <summary>Spins inside one step until released: a thread that does not reach a step boundary.</summary>
    private sealed class SpinInStep(ManualResetEventSlim release, ManualResetEventSlim entered) : IThreadProgram
    {
        public StepResult Step(ref ThreadRegisters r, AddressSpace memory, long now)
        {
            entered.Set();
            while (!release.IsSet) Thread.SpinWait(100);
            r.R0++;
            return StepResult.SleepUntil(now + 1000);
        }
    }

    private static (Kernel Kernel, ProtectionDomain Pd) Threaded()
    {
        var kernel = new Kernel(ExecutionMode.Threaded);
        var pd = kernel.CreateProtectionDomain("app");
        return (kernel, pd);
    }

    private static KernelThread Add(Kernel kernel, ProtectionDomain pd, string name, IThreadProgram program)
    {
        var t = kernel.CreateThread(name, program, TestMemory.Empty());
        pd.AddThread(t);
        t.Start(0, 0);
        return t;
    }

    [Fact]
    public void Freeze_stops_every_thread_at_a_step_boundary_and_thaw_lets_every_one_run_again()
    {
        var (kernel, pd) = Threaded();
        using var _ = kernel;
        var threads = Enumerable.Range(0, 32).Select(i => Add(kernel, pd, $"t{i}", new CountingProgram())).ToArray();
        Assert.True(SpinWait.SpinUntil(() => threads.All(t => t.Steps > 0), HangGuard));

        pd.Freeze(HangGuard);
        var steps = threads.Select(t => t.Steps).ToArray();
        Thread.Sleep(20);

        Assert.All(threads, t => Assert.True(t.IsFrozen));
        Assert.All(threads, t => Assert.False(t.IsInStep));
        Assert.Equal(steps, threads.Select(t => t.Steps).ToArray());
        Assert.Equal(steps.Select(s => (long)s).ToArray(), threads.Select(t => t.GetState().R0).ToArray());

        pd.Thaw();
        Assert.True(SpinWait.SpinUntil(() => threads.Select((t, i) => t.Steps > steps[i]).All(x => x), HangGuard));
    }

    [Fact]
    public void A_thread_spinning_inside_a_step_is_named_when_the_pause_times_out_and_the_pd_runs_on_unfrozen()
    {
        var (kernel, pd) = Threaded();
        using var _ = kernel;
        using var release = new ManualResetEventSlim();
        using var entered = new ManualResetEventSlim();
        var good = Add(kernel, pd, "worker", new CountingProgram());
        var spinner = Add(kernel, pd, "spinner", new SpinInStep(release, entered));
        Assert.True(entered.Wait(HangGuard, TestContext.Current.CancellationToken));

        var ex = Assert.Throws<PauseTimeoutException>(() => pd.Freeze(TimeSpan.FromMilliseconds(100)));

        Assert.Equal("app", ex.Child);
        Assert.Equal(["spinner"], ex.Threads);
        Assert.Null(ex.Handler);
        Assert.Contains("'spinner' did not reach a step boundary", ex.Message);
        Assert.False(pd.IsFrozen);
        Assert.False(good.IsFrozen);
        Assert.False(spinner.IsFrozen);
        long before = good.Steps;
        Assert.True(SpinWait.SpinUntil(() => good.Steps > before, HangGuard)); // the rest of the PD runs on

        release.Set();
        Assert.True(SpinWait.SpinUntil(() => spinner.Steps > 0, HangGuard)); // and so does the spinner, unfrozen
        pd.Freeze(HangGuard); // once it yields, the PD freezes as usual
        Assert.True(pd.IsFrozen);
        pd.Thaw();
    }

    [Fact]
    public void A_handler_that_does_not_return_is_named_when_the_pause_times_out_and_the_entrypoint_dispatches_on()
    {
        var (kernel, pd) = Threaded();
        using var _ = kernel;
        using var release = new ManualResetEventSlim();
        using var inHandler = new ManualResetEventSlim();
        var ran = 0;
        pd.Entrypoint = kernel.CreateEntrypoint("app");
        pd.Entrypoint.Register("stuck", _ => { inHandler.Set(); release.Wait(HangGuard); });
        pd.Entrypoint.Register("next", _ => Interlocked.Increment(ref ran));
        new SignalContext(pd.Entrypoint, "stuck").Submit();
        Assert.True(inHandler.Wait(HangGuard, TestContext.Current.CancellationToken));

        var ex = Assert.Throws<PauseTimeoutException>(() => pd.Freeze(TimeSpan.FromMilliseconds(100)));

        Assert.Equal("app", ex.Entrypoint);
        Assert.Equal("stuck", ex.Handler);
        Assert.Empty(ex.Threads);
        Assert.Contains("still in handler 'stuck'", ex.Message);
        Assert.False(pd.IsFrozen);
        Assert.False(pd.Entrypoint.IsPaused);
        release.Set();
        new SignalContext(pd.Entrypoint, "next").Submit();
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref ran) == 1, HangGuard));
    }

    [Fact]
    public void A_nested_freeze_returns_at_once_and_only_the_last_thaw_lets_the_pd_run()
    {
        var (kernel, pd) = Threaded();
        using var _ = kernel;
        var t = Add(kernel, pd, "t", new CountingProgram());
        pd.Freeze(HangGuard);
        pd.Freeze(TimeSpan.FromMilliseconds(1));
        pd.Thaw();
        long steps = t.Steps;
        Thread.Sleep(20);
        Assert.Equal(steps, t.Steps);
        pd.Thaw();
        Assert.True(SpinWait.SpinUntil(() => t.Steps > steps, HangGuard));
        Assert.Throws<InvalidOperationException>(pd.Thaw);
    }

    [Fact]
    public void Pause_timeout_must_be_positive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CheckpointOptions { PauseTimeout = TimeSpan.Zero });
        Assert.Equal(Timeout.InfiniteTimeSpan, new CheckpointOptions { PauseTimeout = Timeout.InfiniteTimeSpan }.PauseTimeout);
        Assert.Equal(CheckpointOptions.DefaultPauseTimeout, new CheckpointOptions().PauseTimeout);
    }

    [Fact]
    public void A_contained_handler_failure_stops_only_its_entrypoint_and_the_deterministic_run_goes_on()
    {
        using var kernel = new Kernel { ContainFailures = true };
        var reports = new List<FailureReport>();
        kernel.FailureContained += reports.Add;
        var bad = kernel.CreateEntrypoint("bad");
        var good = kernel.CreateEntrypoint("good");
        bad.Register("boom", _ => throw new InvalidOperationException("boom"));
        int ran = 0;
        good.Register("tick", _ => ran++);
        new SignalContext(bad, "boom").Submit();
        new SignalContext(good, "tick").Submit();
        var crasher = kernel.CreateThread("crasher", new CrashingProgram(), TestMemory.Empty());
        crasher.Start(0, 0);

        kernel.RunUntilIdle();

        Assert.Equal(1, ran);
        Assert.Equal("boom", bad.Failure!.Message);
        Assert.IsType<InvalidOperationException>(crasher.Failure);
        Assert.Equal(["entrypoint 'bad' stopped: InvalidOperationException: boom", "thread 'crasher' stopped: InvalidOperationException: illegal instruction"],
            reports.Select(r => r.ToString()));
        new SignalContext(bad, "boom").Submit(); // a stopped entrypoint runs nothing more
        new SignalContext(good, "tick").Submit();
        kernel.RunUntilIdle();
        Assert.Equal(2, ran);
        Assert.Equal(2, reports.Count);
    }
}
