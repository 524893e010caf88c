using Rtcr.Capabilities;
using Rtcr.Execution;

namespace Rtcr.Sessions;

/// <summary>Core's CPU thread capability object.</summary>
internal sealed class CpuThreadComponent(KernelThread thread, ProtectionDomain client) : ICpuThread
{
    public int AffinityCpu { get; private set; }

    public SignalContext? ExceptionHandler { get; private set; }

    public void Start(long ip, long sp) => thread.Start(ip, sp);

    public void Pause() => thread.Pause();

    public void Resume() => thread.Resume();

    public ThreadRegisters GetState() => thread.GetState();

    public void SetState(ThreadRegisters state) => thread.SetState(state);

    public void ExceptionSigh(Cap<ISignalContext> handler) =>
        ExceptionHandler = handler.IsValid ? client.Invoke(handler).Context() : null;

    public void Affinity(int cpu)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cpu);
        AffinityCpu = cpu;
    }

    public KernelThread Thread() => thread;
}
