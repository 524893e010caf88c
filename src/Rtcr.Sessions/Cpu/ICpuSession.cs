using Rtcr.Capabilities;

namespace Rtcr.Sessions;

/// <summary>CPU session (Genode's <c>Cpu_session</c>): creates and kills threads.</summary>
[RtcrSession("CPU", RestoreOrder = 30)]
public interface ICpuSession
{
    /// <summary>Creates a thread in <paramref name="pd"/>; <paramref name="name"/> selects the program from the PD's program table.</summary>
    [Creates] Cap<ICpuThread> CreateThread(Cap<IPdSession> pd, string name, int affinity, long weight);

    /// <summary>Kills a thread.</summary>
    [Destroys] void KillThread(Cap<ICpuThread> thread);

    /// <summary>Default exception handler for threads of this session.</summary>
    [Sets("exception_sigh")] void ExceptionSigh(Cap<ISignalContext> handler);

    /// <summary>Number of threads of the session.</summary>
    [Query] int ThreadCount();

    /// <summary>Adds quota donated by the client.</summary>
    [Upgrade] void Upgrade(long ramQuota, long capQuota);
}
