using Rtcr.Capabilities;
using Rtcr.Sessions;

namespace Rtcr.EndToEnd.Tests.Harness;

/// <summary>A component that moves quota around and opens extra sessions before it settles into ticking.</summary>
internal sealed class QuotaShuffler : IComponentProgram
{
    public const long StateAddress = 0x1000_0000;

    public string Name => "quota_shuffler";

    public void Register(Env env) => env.Entrypoint.Register("tick", _ =>
    {
        long n = env.Memory.Read<long>(StateAddress) + 1;
        env.Memory.Write(StateAddress, n);
        env.Invoke(Cap<ILogSession>.FromIndex(env.Memory.Read<int>(StateAddress + 8))).Write($"tick {n}");
    });

    public void Construct(Env env)
    {
        env.AllocAndAttach(4096, StateAddress);
        // A second RAM session receives part of the environment RAM session's quota.
        var second = env.Session<IRamSession>("RAM", "second", ramQuota: 16 * 1024, capQuota: 8);
        env.Ram.TransferQuota(second, 128 * 1024);
        var ds = env.Invoke(second).Alloc(8192, true);
        env.Invoke(env.Pd.AddressSpace()).Attach(ds, 0, 0, 0x3000_0000, true, false);
        env.Memory.Write(0x3000_0000 + 100, 0xC0FFEEL);
        var log = env.Session<ILogSession>("LOG");
        env.Memory.Write(StateAddress + 8, log.Index);
        var timer = env.Session<ITimerSession>("Timer");
        var ctx = env.Pd.AllocContext(env.Pd.AllocSignalSource(), "tick");
        env.Invoke(timer).Sigh(ctx);
        env.Invoke(timer).TriggerPeriodic(10_000);
    }
}

/// <summary>A component that allocates many signal contexts (objects and capabilities) and then ticks.</summary>
internal sealed class ContextHoarder(int contexts) : IComponentProgram
{
    public string Name => "context_hoarder";

    public void Register(Env env) => env.Entrypoint.Register("tick", _ => { });

    public void Construct(Env env)
    {
        var source = env.Pd.AllocSignalSource();
        Cap<ISignalContext> last = default;
        for (int i = 0; i < contexts; i++) last = env.Pd.AllocContext(source, "tick");
        var timer = env.Session<ITimerSession>("Timer");
        env.Invoke(timer).Sigh(last);
        env.Invoke(timer).TriggerPeriodic(1000);
    }
}
