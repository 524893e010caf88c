using Rtcr.Execution;
using Rtcr.Memory;

namespace Rtcr.Runtime.Tests;

/// <summary>Counts steps in R0 and never sleeps.</summary>
public sealed class CountingProgram : IThreadProgram
{
    public StepResult Step(ref ThreadRegisters r, AddressSpace memory, long now)
    {
        r.R0++;
        r.Ip++;
        return StepResult.Continue;
    }
}

/// <summary>Counts steps in R0 and halts when R0 reaches R1.</summary>
public sealed class CountToProgram : IThreadProgram
{
    public StepResult Step(ref ThreadRegisters r, AddressSpace memory, long now)
    {
        r.R0++;
        return r.R0 >= r.R1 ? StepResult.Halt : StepResult.Continue;
    }
}

/// <summary>
/// Wakes every R1 microseconds: appends the current time to a log (for assertions), counts wake-ups
/// in R0 and sleeps until the next period.
/// </summary>
public sealed class PeriodicProgram(List<long> wakeTimes) : IThreadProgram
{
    public StepResult Step(ref ThreadRegisters r, AddressSpace memory, long now)
    {
        lock (wakeTimes) wakeTimes.Add(now);
        r.R0++;
        r.R2 += r.R1; // next due time, kept in a register
        return StepResult.SleepUntil(r.R2);
    }
}

/// <summary>Throws on its first step.</summary>
public sealed class CrashingProgram : IThreadProgram
{
    public StepResult Step(ref ThreadRegisters r, AddressSpace memory, long now) =>
        throw new InvalidOperationException("illegal instruction");
}

public static class TestMemory
{
    public static AddressSpace Empty() => new(new RegionMap("empty", RegionMap.PageSize));
}
