using Rtcr.Capabilities;
using Rtcr.Execution;

namespace Rtcr.Sessions;

/// <summary>
/// A thread (Genode's <c>Cpu_thread</c>). Its register file and run state are invisible to call
/// recording and are captured by <see cref="CpuThreadStateHook"/>.
/// </summary>
[RtcrRpcObject]
[CapturedBy(typeof(CpuThreadStateHook))]
public interface ICpuThread
{
    /// <summary>Starts the thread at <paramref name="ip"/> with stack pointer <paramref name="sp"/>.</summary>
    [Sets("start")] void Start(long ip, long sp);

    /// <summary>Pauses the thread at its next step boundary.</summary>
    [Captures] void Pause();

    /// <summary>Resumes a paused thread.</summary>
    [Captures] void Resume();

    /// <summary>The register file (consistent when paused).</summary>
    [Query] ThreadRegisters GetState();

    /// <summary>Replaces the register file.</summary>
    [Captures] void SetState(ThreadRegisters state);

    /// <summary>Signal context notified on exceptions of this thread.</summary>
    [Sets("exception_sigh")] void ExceptionSigh(Cap<ISignalContext> handler);

    /// <summary>CPU the thread is bound to.</summary>
    [Sets("affinity")] void Affinity(int cpu);

    /// <summary>The kernel thread behind the capability.</summary>
    [Query] KernelThread Thread();
}
