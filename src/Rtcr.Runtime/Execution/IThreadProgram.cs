using Rtcr.Memory;

namespace Rtcr.Execution;

/// <summary>
/// The code a thread runs, as a step function over its register file. A program keeps no state of its
/// own (its position is <see cref="ThreadRegisters.Ip"/>, its data in registers and memory), so a restored
/// thread continues from restored registers.
/// </summary>
public interface IThreadProgram
{
    /// <summary>Runs one bounded step. Pausing takes effect between steps.</summary>
    StepResult Step(ref ThreadRegisters registers, AddressSpace memory, long nowMicroseconds);
}
