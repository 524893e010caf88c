using System.ComponentModel;
using Rtcr.Node.Transport;
using Spectre.Console.Cli;

namespace Rtcr.Host.Commands.Nodes;

/// <summary>Options every command that talks to node agents has.</summary>
internal class NodeClientSettings : CommandSettings
{
    [CommandOption("--token-file <FILE>")]
    [Description("File holding the cluster's shared token (agents refuse calls without it).")]
    public string? TokenFile { get; init; }

    [CommandOption("--tls-ca <FILE>")]
    [Description("Agents speak TLS: trust certificates issued by the CA(s) in this PEM file (or this self-signed certificate); a bare host:port then means https.")]
    public string? TlsCa { get; init; }

    [CommandOption("--tls-pin <SHA256>")]
    [Description("Agents speak TLS: accept exactly the certificate with this SHA-256 fingerprint (hex; printed by 'rtcr node' at start).")]
    public string? TlsPin { get; init; }

    [CommandOption("--plain")]
    [Description("No colour, no live progress bars: one line per event.")]
    public bool Plain { get; init; }

    /// <summary>The token, or null when no file was given (the agent will refuse the call).</summary>
    public NodeToken? Token() => TokenFile is null ? null : NodeToken.FromFile(TokenFile);

    /// <summary>How to trust the agents' certificates, or null for cleartext.</summary>
    public ClientTls? Tls() => TlsCa is null && TlsPin is null ? null : new ClientTls { CaFile = TlsCa, Pin = TlsPin };

    /// <summary>A connection to the agent at <paramref name="address"/> with the token and TLS settings.</summary>
    public NodeConnection Connect(string address) => new(address, Token(), Tls());

    /// <summary>Live progress bars make sense only on a terminal.</summary>
    public bool Interactive => !Plain && !Console.IsOutputRedirected;
}
