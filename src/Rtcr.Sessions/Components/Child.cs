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
    /// What stopped the child's entrypoint or one of its threads (a handler or step that threw), or null
    /// while everything runs. A host contains such a failure to the child; whoever drives the child reports it.
    /// </summary>
    public Exception? Failure => Env.Entrypoint.Failure ?? Env.Domain.Threads.Select(t => t.Failure).FirstOrDefault(f => f is not null);

    /// <summary>
    /// Stops the child: kills its threads and entrypoint and closes its sessions, so their servers free
    /// what they hold (RAM dataspaces in native memory, ROM copies) and the donated quota returns.
    /// </summary>
    public void Destroy()
    {
        var kernel = Env.Domain.Kernel;
        var threads = Env.Domain.Threads.ToArray();
        foreach (var t in threads)
        {
            Env.Domain.RemoveThread(t);
            kernel.DestroyThread(t);
        }
        kernel.DestroyEntrypoint(Env.Entrypoint);
        // Closing, not just forgetting: a forgotten RAM session never freed its native memory (issue 13).
        // Not under a handler or step that outlived its kill, though: it still uses that memory.
        Env.Parent.CloseAllWhenEnded(Env.Domain, threads, Env.Entrypoint);
    }
}
