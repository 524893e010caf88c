using Rtcr.Execution;

namespace Rtcr.Runtime.Tests;

public sealed class ThreadTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(1);

    [Fact]
    public void Thread_does_not_run_before_it_is_started()
    {
        using var kernel = new Kernel();
        var thread = kernel.CreateThread("t", new CountToProgram(), TestMemory.Empty());

        Assert.Equal(0, kernel.RunUntilIdle());
        Assert.False(thread.IsStarted);
        Assert.Equal(0, thread.Steps);
    }

    [Fact]
    public void Started_thread_runs_its_program_from_the_given_ip_and_sp_until_it_halts()
    {
        using var kernel = new Kernel();
        var thread = kernel.CreateThread("t", new CountToProgram(), TestMemory.Empty());
        thread.SetState(new ThreadRegisters { R1 = 10 });

        thread.Start(ip: 0x100, sp: 0x8000);
        long work = kernel.RunUntilIdle();

        var regs = thread.GetState();
        Assert.Equal(10, work);
        Assert.Equal(10, thread.Steps);
        Assert.Equal(10, regs.R0);
        Assert.Equal(0x100, regs.Ip);
        Assert.Equal(0x8000, regs.Sp);
        Assert.True(thread.IsFinished);
        Assert.Equal(0, kernel.RunUntilIdle());
    }

    [Fact]
    public void Starting_a_thread_twice_is_refused()
    {
        using var kernel = new Kernel();
        var thread = kernel.CreateThread("t", new CountToProgram(), TestMemory.Empty());
        thread.Start(0, 0);

        Assert.Throws<InvalidOperationException>(() => thread.Start(0, 0));
    }

    [Fact]
    public void SetState_between_steps_changes_where_the_program_continues()
    {
        using var kernel = new Kernel();
        var thread = kernel.CreateThread("t", new CountToProgram(), TestMemory.Empty());
        thread.SetState(new ThreadRegisters { R1 = 100 });
        thread.Start(0, 0);
        thread.Pause();

        var regs = thread.GetState();
        regs.R0 = 95;
        thread.SetState(regs);
        thread.Resume();
        kernel.RunUntilIdle();

        Assert.Equal(5, thread.Steps);
        Assert.Equal(100, thread.GetState().R0);
    }

    [Fact]
    public void Paused_deterministic_thread_is_not_stepped_until_resumed()
    {
        using var kernel = new Kernel();
        var wakes = new List<long>();
        var thread = kernel.CreateThread("t", new PeriodicProgram(wakes), TestMemory.Empty());
        thread.SetState(new ThreadRegisters { R1 = 100 });
        thread.Start(0, 0);
        kernel.RunUntilIdle();

        thread.Pause();
        kernel.AdvanceTo(350);
        Assert.True(thread.IsPaused);
        Assert.Equal([0L], wakes);

        thread.Resume();
        kernel.AdvanceTo(450);

        // The program catches up on missed periods (its next due time is kept in R2), then runs on schedule.
        Assert.Equal([0L, 350, 350, 350, 400], wakes);
    }

    [Fact]
    public void Freeze_is_independent_of_the_childs_own_pause()
    {
        using var kernel = new Kernel();
        var thread = kernel.CreateThread("t", new CountToProgram(), TestMemory.Empty());
        thread.SetState(new ThreadRegisters { R1 = 3 });
        thread.Start(0, 0);

        thread.Freeze();
        thread.Resume(); // the child resuming itself does not undo the parent's freeze
        Assert.Equal(0, kernel.RunUntilIdle());

        thread.Pause();
        thread.Thaw(); // thawing does not undo the child's pause
        Assert.Equal(0, kernel.RunUntilIdle());

        thread.Resume();
        Assert.Equal(3, kernel.RunUntilIdle());
    }

    [Fact]
    public void Deterministic_threads_sleeping_until_a_time_run_exactly_when_virtual_time_reaches_it()
    {
        using var kernel = new Kernel();
        var fast = new List<long>();
        var slow = new List<long>();
        var a = kernel.CreateThread("fast", new PeriodicProgram(fast), TestMemory.Empty());
        var b = kernel.CreateThread("slow", new PeriodicProgram(slow), TestMemory.Empty());
        a.SetState(new ThreadRegisters { R1 = 250 });
        b.SetState(new ThreadRegisters { R1 = 400 });
        a.Start(0, 0);
        b.Start(0, 0);

        kernel.AdvanceTo(1000);

        Assert.Equal([0L, 250, 500, 750, 1000], fast);
        Assert.Equal([0L, 400, 800], slow);
        Assert.Equal(1000, kernel.Clock.NowMicroseconds);
        Assert.Equal(1200, b.WakeAtMicroseconds);
        Assert.Equal(1200, kernel.NextEventMicroseconds);
    }

    [Fact]
    public void AdvanceToNextEvent_jumps_to_the_next_thread_wake_up()
    {
        using var kernel = new Kernel();
        var wakes = new List<long>();
        var thread = kernel.CreateThread("t", new PeriodicProgram(wakes), TestMemory.Empty());
        thread.SetState(new ThreadRegisters { R1 = 333 });
        thread.Start(0, 0);

        Assert.True(kernel.AdvanceToNextEvent());
        Assert.True(kernel.AdvanceToNextEvent());

        Assert.Equal([0L, 333, 666], wakes);
        Assert.Equal(666, kernel.Clock.NowMicroseconds);
        Assert.Equal(3, thread.GetState().R0);
    }

    [Fact]
    public void Two_deterministic_runs_with_the_same_inputs_are_identical()
    {
        static (List<long> Wakes, long Now, ThreadRegisters Regs) Run()
        {
            using var kernel = new Kernel();
            var wakes = new List<long>();
            var t = kernel.CreateThread("t", new PeriodicProgram(wakes), TestMemory.Empty());
            t.SetState(new ThreadRegisters { R1 = 70 });
            t.Start(0, 0);
            kernel.Advance(1000);
            kernel.Advance(35);
            return (wakes, kernel.Clock.NowMicroseconds, t.GetState());
        }

        var first = Run();
        var second = Run();

        Assert.Equal(first.Wakes, second.Wakes);
        Assert.Equal(first.Now, second.Now);
        Assert.Equal(first.Regs, second.Regs);
    }

    [Fact]
    public void Crashing_program_stops_the_thread_and_surfaces_the_exception()
    {
        using var kernel = new Kernel();
        var thread = kernel.CreateThread("t", new CrashingProgram(), TestMemory.Empty());
        thread.Start(0, 0);

        var ex = Assert.Throws<InvalidOperationException>(() => kernel.RunUntilIdle());

        Assert.Equal("illegal instruction", ex.Message);
        Assert.Same(ex, thread.Failure);
        Assert.True(thread.IsFinished);
        Assert.Equal(0, kernel.RunUntilIdle());
    }

    [Fact]
    public void Destroyed_thread_no_longer_runs()
    {
        using var kernel = new Kernel();
        var thread = kernel.CreateThread("t", new CountToProgram(), TestMemory.Empty());
        thread.SetState(new ThreadRegisters { R1 = 5 });
        thread.Start(0, 0);

        kernel.DestroyThread(thread);

        Assert.True(thread.IsFinished);
        Assert.Equal(0, kernel.RunUntilIdle());
        Assert.Equal(0, thread.Steps);
    }

    [Fact]
    public void Revive_puts_back_registers_sleep_and_run_state()
    {
        using var kernel = new Kernel(startMicroseconds: 1000);
        var wakes = new List<long>();
        var thread = kernel.CreateThread("t", new PeriodicProgram(wakes), TestMemory.Empty());

        thread.Revive(new ThreadRegisters { R0 = 7, R1 = 100, R2 = 1200 }, wakeAtMicroseconds: 1200, paused: false, started: true);
        kernel.RunUntilIdle();
        Assert.Empty(wakes); // still asleep at 1000

        kernel.AdvanceTo(1200);

        Assert.Equal([1200L], wakes);
        Assert.Equal(8, thread.GetState().R0);
        Assert.Equal(1300, thread.WakeAtMicroseconds);
    }

    [Fact]
    public void Registers_are_addressable_by_index()
    {
        var regs = new ThreadRegisters { R0 = 1, R7 = 8 };

        regs.R(3) = 4;

        Assert.Equal(1, regs.R(0));
        Assert.Equal(4, regs.R3);
        Assert.Equal(8, regs.R(7));
        Assert.Throws<ArgumentOutOfRangeException>(() => regs.R(8));
        Assert.Throws<ArgumentOutOfRangeException>(() => regs.R(-1));
    }

    [Fact]
    public void Threaded_thread_pauses_at_a_step_boundary_and_stays_still_until_resumed()
    {
        using var kernel = new Kernel(ExecutionMode.Threaded);
        var thread = kernel.CreateThread("counter", new CountingProgram(), TestMemory.Empty());
        thread.Start(0, 0);
        Assert.True(SpinWait.SpinUntil(() => thread.Steps > 100, HangGuard));

        thread.Pause();

        long steps = thread.Steps;
        var regs = thread.GetState();
        // At a step boundary the register file reflects exactly the completed steps.
        Assert.Equal(steps, regs.R0);
        Assert.Equal(steps, regs.Ip);
        for (int i = 0; i < 200; i++)
        {
            Thread.Yield();
            Assert.Equal(steps, thread.Steps);
        }
        Assert.Equal(regs, thread.GetState());
        Assert.True(thread.IsPaused);

        thread.Resume();

        Assert.True(SpinWait.SpinUntil(() => thread.Steps > steps + 100, HangGuard));
        Assert.False(thread.IsPaused);
        Assert.Null(thread.Failure);
    }

    [Fact]
    public void Threaded_SetState_while_paused_is_picked_up_after_resume()
    {
        using var kernel = new Kernel(ExecutionMode.Threaded);
        var thread = kernel.CreateThread("counter", new CountToProgram(), TestMemory.Empty());
        thread.SetState(new ThreadRegisters { R1 = long.MaxValue });
        thread.Start(0, 0);
        Assert.True(SpinWait.SpinUntil(() => thread.Steps > 10, HangGuard));
        thread.Pause();

        var regs = thread.GetState();
        regs.R1 = regs.R0 + 5; // halt after five more steps
        thread.SetState(regs);
        long steps = thread.Steps;
        thread.Resume();

        Assert.True(SpinWait.SpinUntil(() => thread.IsFinished, HangGuard));
        Assert.Equal(steps + 5, thread.Steps);
        Assert.Equal(regs.R1, thread.GetState().R0);
    }

    [Fact]
    public void Deterministic_execution_without_sleeping_is_reported_as_a_livelock()
    {
        using var kernel = new Kernel { LivelockSteps = 10_000 };
        var thread = kernel.CreateThread("spinner", new CountingProgram(), TestMemory.Empty());
        thread.Start(0, 0);

        var ex = Assert.Throws<InvalidOperationException>(() => kernel.RunUntilIdle());

        Assert.Contains("without time passing", ex.Message);
        Assert.Contains("SleepUntil", ex.Message);
        Assert.True(thread.Steps > kernel.LivelockSteps);
    }

    [Fact]
    public void Threaded_kernel_cannot_be_driven_by_the_host()
    {
        using var kernel = new Kernel(ExecutionMode.Threaded);

        Assert.Throws<InvalidOperationException>(() => kernel.RunUntilIdle());
        Assert.Throws<InvalidOperationException>(() => kernel.AdvanceTo(10));
        Assert.Throws<InvalidOperationException>(() => kernel.AdvanceToNextEvent());
        Assert.False(kernel.Clock.IsVirtual);
    }
}
