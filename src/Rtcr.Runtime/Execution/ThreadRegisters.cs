using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Rtcr.Execution;

/// <summary>
/// The register file of a thread (Genode's <c>Thread_state</c>): instruction pointer, stack pointer and
/// eight general registers. A thread program keeps all its control state here, so reading it when the
/// thread is paused and writing it back on restore continues the thread exactly.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public record struct ThreadRegisters
{
    /// <summary>Number of general registers.</summary>
    public const int GeneralRegisters = 8;

    /// <summary>Instruction pointer: the program's position.</summary>
    public long Ip;
    /// <summary>Stack pointer.</summary>
    public long Sp;
    /// <summary>General register 0.</summary>
    public long R0;
    /// <summary>General register 1.</summary>
    public long R1;
    /// <summary>General register 2.</summary>
    public long R2;
    /// <summary>General register 3.</summary>
    public long R3;
    /// <summary>General register 4.</summary>
    public long R4;
    /// <summary>General register 5.</summary>
    public long R5;
    /// <summary>General register 6.</summary>
    public long R6;
    /// <summary>General register 7.</summary>
    public long R7;

    /// <summary>General register <paramref name="index"/> (0..7) by reference.</summary>
    [UnscopedRef]
    public ref long R(int index)
    {
        if ((uint)index >= GeneralRegisters) throw new ArgumentOutOfRangeException(nameof(index), index, "registers are R0..R7");
        return ref Unsafe.Add(ref R0, index);
    }
}
