using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Rtcr.Host.Commands.Nodes;

/// <summary>Options of the commands that look at several node agents at once (<c>ps</c>, <c>logs</c>).</summary>
internal class NodeListSettings : NodeClientSettings
{
    [CommandOption("--node <NODE>")]
    [Description("A node agent's address (host:port); repeat for several.")]
    public string[] Nodes { get; init; } = [];

    public override ValidationResult Validate() =>
        Nodes.Length == 0 ? ValidationResult.Error("give at least one --node") : ValidationResult.Success();
}
