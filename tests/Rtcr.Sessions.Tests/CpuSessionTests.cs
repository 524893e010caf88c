using Rtcr.Capabilities;
using Rtcr.Execution;
using Rtcr.Memory;
using Rtcr.Quotas;
using Rtcr.Sessions;

namespace Rtcr.Sessions.Tests;

/// <summary>Every 100 us: adds R1 to the long at address SP and counts steps in R0.</summary>
public sealed class AccumulatorProgram : IThreadProgram
{
    public StepResult Step(ref ThreadRegisters r, AddressSpace memory, long now)
    {
        memory.Write(r.Sp, memory.Read<long>(r.Sp) + r.R1);
        r.R0++;
        return StepResult.SleepUntil(now + 100);
    }
}

public sealed class CpuSessionTests
{
    private const long Data = 0x3000_0000;

    private static Harness WithProgram()
    {
        var h = new Harness(register: env => env.Domain.Programs["acc"] = new AccumulatorProgram());
        h.Env.AllocAndAttach(4096, Data);
        return h;
    }

    [Fact]
    public void Thread_created_through_the_cpu_session_runs_its_program_in_the_pd()
    {
        using var h = WithProgram();
        var cpu = h.Env.Cpu;

        var cap = cpu.CreateThread(h.Env.Caps.Pd, "acc", 0, 1);
        var thread = h.Env.Invoke(cap);
        thread.SetState(new ThreadRegisters { R1 = 5 });
        thread.Start(0, Data);
        h.Kernel.AdvanceTo(1000);

        Assert.Equal(55, h.Env.Memory.Read<long>(Data)); // steps at 0, 100, ..., 1000
        Assert.Equal(11, thread.GetState().R0);
        Assert.Equal(Data, thread.GetState().Sp);
        Assert.Equal(1, cpu.ThreadCount());
        Assert.Same(thread.Thread(), Assert.Single(h.Env.Domain.Threads));
        Assert.Equal("app:acc", thread.Thread().Name);
    }

    [Fact]
    public void Paused_thread_keeps_its_state_and_continues_after_resume()
    {
        using var h = WithProgram();
        var thread = h.Env.Invoke(h.Env.Cpu.CreateThread(h.Env.Caps.Pd, "acc", 0, 1));
        thread.SetState(new ThreadRegisters { R1 = 1 });
        thread.Start(0, Data);
        h.Kernel.AdvanceTo(250);

        thread.Pause();
        var paused = thread.GetState();
        h.Kernel.AdvanceTo(1000);

        Assert.Equal(paused, thread.GetState());
        Assert.Equal(3, h.Env.Memory.Read<long>(Data));

        thread.Resume();
        h.Kernel.AdvanceTo(1000);
        Assert.Equal(4, h.Env.Memory.Read<long>(Data));
    }

    [Fact]
    public void Thread_state_set_through_the_session_changes_what_the_program_does()
    {
        using var h = WithProgram();
        var thread = h.Env.Invoke(h.Env.Cpu.CreateThread(h.Env.Caps.Pd, "acc", 0, 1));
        thread.SetState(new ThreadRegisters { R1 = 1 });
        thread.Start(0, Data);
        h.Kernel.RunUntilIdle();
        thread.Pause();

        var regs = thread.GetState();
        regs.R1 = 1000;
        thread.SetState(regs);
        thread.Resume();
        h.Kernel.AdvanceTo(100);

        Assert.Equal(1001, h.Env.Memory.Read<long>(Data));
    }

    [Fact]
    public void Creating_a_thread_for_an_unknown_program_names_the_known_programs()
    {
        using var h = WithProgram();

        var ex = Assert.Throws<KeyNotFoundException>(() => h.Env.Cpu.CreateThread(h.Env.Caps.Pd, "nope", 0, 1));

        Assert.Contains("'nope'", ex.Message);
        Assert.Contains("acc", ex.Message);
        Assert.Equal(0, h.Env.Cpu.ThreadCount());
    }

    [Fact]
    public void Kill_thread_stops_it_frees_its_capability_and_returns_the_quota()
    {
        using var h = WithProgram();
        var cpu = h.Env.Cpu;
        var cap = cpu.CreateThread(h.Env.Caps.Pd, "acc", 0, 1);
        var kernelThread = h.Env.Invoke(cap).Thread();
        h.Env.Invoke(cap).SetState(new ThreadRegisters { R1 = 1 });
        h.Env.Invoke(cap).Start(0, Data);
        h.Kernel.RunUntilIdle();

        cpu.KillThread(cap);
        h.Kernel.AdvanceTo(1000);

        Assert.True(kernelThread.IsFinished);
        Assert.Equal(1, h.Env.Memory.Read<long>(Data));
        Assert.Equal(0, cpu.ThreadCount());
        Assert.Empty(h.Env.Domain.Threads);
        Assert.Equal(CapabilityError.FreeSlot, Assert.Throws<CapabilityException>(() => h.Env.Invoke(cap)).Error);
    }

    [Fact]
    public void Each_thread_costs_one_capability_of_the_cpu_session_quota()
    {
        using var h = WithProgram();
        var cpu = h.Env.Cpu; // the environment CPU session has 16 caps
        var threads = Enumerable.Range(0, 16).Select(_ => cpu.CreateThread(h.Env.Caps.Pd, "acc", 0, 1)).ToList();

        var ex = Assert.Throws<QuotaExceededException>(() => cpu.CreateThread(h.Env.Caps.Pd, "acc", 0, 1));

        Assert.Equal(QuotaKind.Caps, ex.Kind);
        Assert.Contains("create_thread 'acc'", ex.Message);
        Assert.Equal(16, cpu.ThreadCount());
        cpu.KillThread(threads[0]);
        cpu.CreateThread(h.Env.Caps.Pd, "acc", 0, 1);
    }

    [Fact]
    public void Thread_affinity_and_exception_handler_are_kept()
    {
        using var h = WithProgram();
        var cap = h.Env.Cpu.CreateThread(h.Env.Caps.Pd, "acc", 3, 1);
        var thread = (CpuThreadComponent)h.Env.Invoke(cap);
        var context = h.Context("exception", _ => { });

        thread.ExceptionSigh(context);
        h.Env.Cpu.ExceptionSigh(context);

        Assert.Equal(3, thread.AffinityCpu);
        Assert.Same(h.Env.Invoke(context).Context(), thread.ExceptionHandler);
        Assert.Throws<ArgumentOutOfRangeException>(() => thread.Affinity(-1));
    }
}
