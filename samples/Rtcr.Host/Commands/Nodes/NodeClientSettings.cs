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

    [CommandOption("--plain")]
    [Description("No colour, no live progress bars: one line per event.")]
    public bool Plain { get; init; }

    /// <summary>The token, or null when no file was given (the agent will refuse the call).</summary>
    public NodeToken? Token() => TokenFile is null ? null : NodeToken.FromFile(TokenFile);

    /// <summary>Live progress bars make sense only on a terminal.</summary>
    public bool Interactive => !Plain && !Console.IsOutputRedirected;
}
