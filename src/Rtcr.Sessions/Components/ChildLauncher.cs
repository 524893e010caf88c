using Rtcr.Services;

namespace Rtcr.Sessions;

/// <summary>Creates children: a PD with an entrypoint and the four environment sessions, all requested through the parent's routing.</summary>
public static class ChildLauncher
{
    /// <summary>Creates and constructs a child running <paramref name="program"/>.</summary>
    public static Child Start(Parent parent, IComponentProgram program, ChildOptions? options = null, string? label = null)
    {
        var child = CreateEnvironment(parent, program, options ?? new ChildOptions(), label ?? program.Name);
        program.Construct(child.Env);
        return child;
    }

    /// <summary>
    /// Creates a child's PD, entrypoint and environment sessions and registers its code, without
    /// constructing it (a restore fills in the state instead).
    /// </summary>
    /// <param name="parent">The parent whose routing creates the sessions.</param>
    /// <param name="program">The component's code.</param>
    /// <param name="options">Resources granted to the child.</param>
    /// <param name="label">The child's label.</param>
    /// <param name="prepare">Runs on the new PD before its first session is requested (a host sets up dirty tracking here).</param>
    public static Child CreateEnvironment(Parent parent, IComponentProgram program, ChildOptions options, string label, Action<ProtectionDomain>? prepare = null)
    {
        var kernel = parent.Kernel;
        var pd = kernel.CreateProtectionDomain(label, options.CapSlots, options.RamQuota, options.CapQuota);
        pd.Entrypoint = kernel.CreateEntrypoint(label);
        prepare?.Invoke(pd);
        // Environment sessions go through the parent's routing like any other request; the PD session
        // request must reach this very child's PD (seed bug "PD environment session denied").
        var pdCap = parent.Session<IPdSession>(pd, "PD", new SessionArgs(label, 0, 0));
        var ramCap = parent.Session<IRamSession>(pd, "RAM", new SessionArgs(label, options.EnvRamQuota, options.EnvRamCaps));
        var cpuCap = parent.Session<ICpuSession>(pd, "CPU", new SessionArgs(label, 0, 16));
        var rmCap = parent.Session<IRmSession>(pd, "RM", new SessionArgs(label, 0, 16));
        var env = new Env(parent, pd, pd.Entrypoint, new EnvCaps(pdCap, ramCap, cpuCap, rmCap));
        program.Register(env);
        return new Child(program, env, options);
    }
}
