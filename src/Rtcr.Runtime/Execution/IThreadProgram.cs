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

    /// <summary>
    /// Whether restored <paramref name="registers"/> are a state this program can run from: null, or
    /// what is wrong (an instruction pointer it does not have, a pointer outside its memory). A
    /// restore refuses an image whose running threads fail this check. By default any state is accepted.
    /// </summary>
    string? RegisterProblem(in ThreadRegisters registers, AddressSpace memory, long nowMicroseconds) => null;
}
