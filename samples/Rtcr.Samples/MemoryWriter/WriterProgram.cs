using Rtcr.Execution;
using Rtcr.Memory;

namespace Rtcr.Samples;

/// <summary>
/// The writer thread's code. All of its state is in registers: R0 write count, R1 random state,
/// R2 working-set base, R3 size, R4 pattern, R5 batch interval (us), R6 writes per batch,
/// R7 next wake time; SP points at the parameter block.
/// </summary>
internal sealed class WriterProgram : IThreadProgram
{
    public StepResult Step(ref ThreadRegisters r, AddressSpace memory, long now)
    {
        switch (r.Ip)
        {
            case 0: // load the parameter block
                r.R2 = memory.Read<long>(r.Sp + MemoryWriter.WorkingSetBaseOffset);
                r.R3 = memory.Read<long>(r.Sp + MemoryWriter.WorkingSetSizeOffset);
                r.R4 = memory.Read<long>(r.Sp + MemoryWriter.PatternOffset);
                r.R5 = memory.Read<long>(r.Sp + MemoryWriter.IntervalOffset);
                r.R6 = memory.Read<long>(r.Sp + MemoryWriter.BatchOffset);
                r.R1 = memory.Read<long>(r.Sp + MemoryWriter.SeedOffset) | 1;
                r.R7 = now;
                r.Ip = 1;
                return StepResult.Continue;
            case 1: // one batch of writes, then sleep until the next batch is due
                long words = r.R3 / sizeof(long);
                if ((WritePattern)r.R4 == WritePattern.Stamp)
                {
                    long pages = StampCheck.Pages(r.R3);
                    for (long i = 0; i < r.R6; i++, r.R0++)
                        memory.Write(r.R2 + r.R0 % pages * StampCheck.PageSize, r.R0 / pages + 1);
                    memory.Write(r.Sp + MemoryWriter.CountOffset, r.R0);
                    r.R7 += r.R5;
                    return StepResult.SleepUntil(r.R7);
                }
                for (long i = 0; i < r.R6; i++)
                {
                    long word = (WritePattern)r.R4 switch
                    {
                        WritePattern.Sequential => r.R0 % words,
                        WritePattern.Random => (long)(Next(ref r.R1) % (ulong)words),
                        _ => Next(ref r.R1) % 10 < 9
                            ? (long)(Next(ref r.R1) % (ulong)Math.Max(1, words / 10))
                            : (long)(Next(ref r.R1) % (ulong)words),
                    };
                    memory.Write(r.R2 + word * sizeof(long), r.R0);
                    r.R0++;
                }
                memory.Write(r.Sp + MemoryWriter.CountOffset, r.R0);
                r.R7 += r.R5;
                return StepResult.SleepUntil(r.R7);
            default:
                throw new InvalidOperationException($"memory_writer: invalid instruction pointer {r.Ip}");
        }
    }

    // xorshift64*: deterministic, and its whole state is one register.
    private static ulong Next(ref long state)
    {
        ulong x = (ulong)state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        state = (long)x;
        return x * 0x2545F4914F6CDD1DUL;
    }
}
