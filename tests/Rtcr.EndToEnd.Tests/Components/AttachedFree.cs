using Rtcr.Sessions;

namespace Rtcr.EndToEnd.Tests.Components;

/// <summary>
/// Frees RAM that is still attached: every tick frees last tick's dataspace without detaching it
/// (the kernel detaches it), then allocates a new one and attaches it at the other of two
/// addresses, so the freed dataspace's attachment is not simply replaced by the new one.
/// </summary>
internal sealed class AttachedFree : IComponentProgram
{
    private const int Counter = 0, Log = 1, Timer = 2, Ds = 3;

    public string Name => "attached_free";

    public void Register(Env env) => env.Entrypoint.Register("tick", _ => Tick(env));

    public void Construct(Env env)
    {
        StatePage.Setup(env, Log, "tick", Timer);
        StatePage.Set(env, Ds, -1);
        StatePage.Start(env, Timer, 2_000);
    }

    private static void Tick(Env env)
    {
        long n = StatePage.Get(env, Counter) + 1;
        StatePage.Set(env, Counter, n);
        if (StatePage.Get(env, Ds) >= 0) env.Ram.Free(StatePage.Cap<IDataspace>(env, Ds));
        var ds = env.Ram.Alloc(8192, cached: true);
        long at = env.Invoke(env.Pd.AddressSpace()).Attach(ds, 0, 0, 0x2000_0000 + (n % 2) * 0x10000, true, false);
        env.Memory.Write(at + 16, n);
        StatePage.Set(env, Ds, ds.Index);
        StatePage.Log(env, Log).Write($"tick {n} ds={ds.Index} at {at:x}");
    }
}
