using Rtcr.Sessions;

namespace Rtcr.Node.Agent;

/// <summary>
/// One component on a node: its own host (kernel, parent, core services, ROM modules) and child. Each
/// component gets its own host so that its ROM "config" and clock are its own.
/// </summary>
public sealed class HostedComponent(string name, ComponentHost host, Child child, bool tracked, ComponentState state) : IDisposable
{
    /// <summary>The instance name, unique on the node.</summary>
    public string Name { get; } = name;

    /// <summary>The host the child runs in.</summary>
    public ComponentHost Host { get; } = host;

    /// <summary>The child.</summary>
    public Child Child { get; } = child;

    /// <summary>Whether the child's RAM is tracked (live migration needs it).</summary>
    public bool Tracked { get; } = tracked;

    /// <summary>Where it stands; changed under the node's lock.</summary>
    public ComponentState State { get; set; } = state;

    /// <summary>For a component restored frozen: the kernel time to resume it at (the source's at the freeze).</summary>
    public long? ResumeAtMicroseconds { get; init; }

    /// <summary>Where the last checkpoint went, and when.</summary>
    public (string Path, DateTimeOffset At)? LastCheckpoint { get; set; }

    /// <summary>Serializes checkpoints and migrations of this component.</summary>
    public SemaphoreSlim Busy { get; } = new(1, 1);

    /// <summary>Stops the child and frees its host.</summary>
    public void Dispose()
    {
        Host.Dispose();
        Busy.Dispose();
    }
}
