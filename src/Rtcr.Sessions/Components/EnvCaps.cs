using Rtcr.Capabilities;

namespace Rtcr.Sessions;

/// <summary>Capabilities of the four environment sessions a parent gives every child.</summary>
public readonly record struct EnvCaps(Cap<IPdSession> Pd, Cap<IRamSession> Ram, Cap<ICpuSession> Cpu, Cap<IRmSession> Rm);
