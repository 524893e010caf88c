using Rtcr.Services;

namespace Rtcr.Sessions;

/// <summary>A running child component: its program, environment and the options it was started with.</summary>
public sealed class Child(IComponentProgram program, Env env, ChildOptions options)
{
    /// <summary>The component's code.</summary>
    public IComponentProgram Program { get; } = program;

    /// <summary>The component's environment.</summary>
    public Env Env { get; } = env;

    /// <summary>Resources granted at start.</summary>
    public ChildOptions Options { get; } = options;

    /// <summary>The child's label.</summary>
    public string Label => Env.Label;

    /// <summary>The sessions the parent created for the child.</summary>
    public IReadOnlyList<SessionEntry> Sessions => Env.Parent.SessionsOf(Env.Domain);

    /// <summary>
    /// Stops the child: kills its threads and entrypoint and closes its sessions, so their servers free
    /// what they hold (RAM dataspaces in native memory, ROM copies) and the donated quota returns.
    /// </summary>
    public void Destroy()
    {
        var kernel = Env.Domain.Kernel;
        foreach (var t in Env.Domain.Threads)
        {
            Env.Domain.RemoveThread(t);
            kernel.DestroyThread(t);
        }
        kernel.DestroyEntrypoint(Env.Entrypoint);
        // Closing, not just forgetting: a forgotten RAM session never freed its native memory (issue 13).
        Env.Parent.CloseAll(Env.Domain);
    }
}
