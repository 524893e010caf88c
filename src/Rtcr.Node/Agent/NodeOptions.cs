using Rtcr.Sessions;
using Rtcr.Tracking;

namespace Rtcr.Node.Agent;

/// <summary>How a node agent runs.</summary>
public sealed record NodeOptions
{
    /// <summary>The node's name, shown in listings and LOG lines.</summary>
    public required string Name { get; init; }

    /// <summary>Finds a component's code by program name.</summary>
    public required Func<string, IComponentProgram> Programs { get; init; }

    /// <summary>The config a program gets when a start request gives none.</summary>
    public required Func<string, string> DefaultConfig { get; init; }

    /// <summary>An optional self-check of a restored, still frozen child (e.g. the stamp check); null when it does not apply.</summary>
    public Func<Child, string?>? Verify { get; init; }

    /// <summary>Where checkpoint images go.</summary>
    public string ImagesDirectory { get; init; } = "images";

    /// <summary>Dirty tracking for tracked components.</summary>
    public TrackingOptions Tracking { get; init; } = new();

    /// <summary>
    /// How long a prepared (restored, frozen) component waits for the source's commit before it asks the
    /// source for the outcome, and how long received images of an unfinished migration are kept.
    /// </summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one call to another agent may take before the migration is aborted.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The token this agent presents to other agents (the target of a migration, the source when it asks for an outcome).</summary>
    public Transport.NodeToken? Token { get; init; }

    /// <summary>The agent's TLS certificate (with its private key); null: cleartext HTTP/2.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? Certificate { get; init; }

    /// <summary>How this agent trusts the certificates of the agents it calls; null: cleartext to bare <c>host:port</c> addresses.</summary>
    public Transport.ClientTls? Tls { get; init; }

    /// <summary>Faults to inject (tests only).</summary>
    public FaultPlan Faults { get; init; } = new();

    /// <summary>Called with every LOG line (the agent process prints them).</summary>
    public Action<string, string>? OnLog { get; init; }
}
