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

    /// <summary>
    /// The writer runs from instruction 0 with its parameter block (at the stack pointer) valid, or
    /// from instruction 1 with the parameters in registers valid: a working set inside attached
    /// memory, a known pattern, a positive batch and interval, a next batch time so little behind that catching up takes at most 10^8 writes.
    /// </summary>
    public string? RegisterProblem(in ThreadRegisters r, AddressSpace memory, long now)
    {
        const long block = MemoryWriter.TicksOffset + sizeof(long);
        switch (r.Ip)
        {
            case 0:
                if (!Attached(memory, r.Sp, block)) return $"its parameter block at 0x{r.Sp:x} is not attached writable";
                return ParametersProblem(memory, memory.Read<long>(r.Sp + MemoryWriter.WorkingSetBaseOffset), memory.Read<long>(r.Sp + MemoryWriter.WorkingSetSizeOffset),
                    memory.Read<long>(r.Sp + MemoryWriter.PatternOffset), memory.Read<long>(r.Sp + MemoryWriter.IntervalOffset), memory.Read<long>(r.Sp + MemoryWriter.BatchOffset));
            case 1:
                if (!Attached(memory, r.Sp, block)) return $"its parameter block at 0x{r.Sp:x} is not attached writable";
                if (r.R0 < 0) return $"its write count {r.R0} is negative";
                if (ParametersProblem(memory, r.R2, r.R3, r.R4, r.R5, r.R6) is { } problem) return problem;
                // A writer behind its schedule writes one batch per missed interval to catch up: bounded in
                // writes, not in time (a starved host writes genuine images seconds behind).
                if (r.R7 < 0 || r.R7 > MaxMicroseconds || (now - r.R7) / r.R5 > MaxCatchUpWrites / r.R6)
                    return $"its next batch time {r.R7} us is far from the clock {now} us (catching up would take more than {MaxCatchUpWrites} writes)";
                return null;
            default:
                return $"invalid instruction pointer {r.Ip}";
        }
    }

    private const long MaxMicroseconds = 1L << 53, MaxCatchUpWrites = 100_000_000;

    private static string? ParametersProblem(AddressSpace memory, long baseAddress, long size, long pattern, long interval, long batch)
    {
        if (size < sizeof(long) || !Attached(memory, baseAddress, size)) return $"its working set [0x{baseAddress:x}, +{size}) is not attached writable memory";
        if (!Enum.IsDefined((WritePattern)pattern)) return $"unknown write pattern {pattern}";
        if (interval < 1 || interval > MaxMicroseconds || batch < 1 || batch > 1_000_000) return $"batch {batch} or interval {interval} us out of range";
        return null;
    }

    private static bool Attached(AddressSpace memory, long address, long length) =>
        memory.Root.Attachments.Any(a => address >= a.Start && address <= a.End - length && a.Writable);

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
