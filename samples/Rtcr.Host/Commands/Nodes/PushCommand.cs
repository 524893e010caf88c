using System.ComponentModel;
using Rtcr.Image;
using Rtcr.Node.Agent;
using Rtcr.Node.Protos;
using Rtcr.Node.Transport;
using Rtcr.Sessions;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Rtcr.Host.Commands.Nodes;

/// <summary>
/// <c>rtcr push</c>: sends an image file (a delta is folded with its chain first) to a node agent, which
/// restores it there as a running component.
/// </summary>
internal sealed class PushCommand : AsyncCommand<PushCommand.Settings>
{
    internal sealed class Settings : NodeClientSettings
    {
        [CommandArgument(0, "<image>")]
        [Description("The image file (a full image, or the newest delta of a chain next to its parents).")]
        public string Image { get; init; } = "";

        [CommandOption("--to <NODE>")]
        [Description("The node agent's address (host:port).")]
        public string To { get; init; } = "";

        [CommandOption("--name <NAME>")]
        [Description("Instance name on the node (default: the image's program name).")]
        public string? Name { get; init; }

        [CommandOption("--chunk <SIZE>")]
        [Description("Bytes per streamed chunk (default 1M).")]
        public string Chunk { get; init; } = "1M";

        public override ValidationResult Validate() =>
            To.Length == 0 ? ValidationResult.Error("--to <NODE> is required") : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (!File.Exists(settings.Image)) throw new FileNotFoundException($"image '{settings.Image}' not found", settings.Image);
        int chunkBytes = ByteSize.TryParse(settings.Chunk, out long chunk) && chunk is > 0 and <= NodeConnection.MaxMessageBytes / 2 ? (int)chunk
            : throw new ArgumentException($"--chunk: '{settings.Chunk}' is not a size between 1 and {NodeConnection.MaxMessageBytes / 2} bytes");
        // Checked and folded here, so that the node gets one full image and a broken chain fails before anything is sent.
        var image = ImageChain.Load(settings.Image, SessionRecorders.Schema);
        var bytes = LocalNode.Serialize(image);
        string name = settings.Name ?? image.Manifest.Metadata.GetValueOrDefault("program", image.Manifest.Label);
        using var node = settings.Connect(settings.To);
        using var call = node.Client.Push(cancellationToken: cancellationToken);
        foreach (var piece in ImageChunker.Split(bytes, "push-" + Guid.NewGuid().ToString("N"), 0, chunkBytes, new ImageChunk { Component = name }))
            await call.RequestStream.WriteAsync(piece, cancellationToken);
        await call.RequestStream.CompleteAsync();
        var info = await call.ResponseAsync;
        string text = $"pushed {settings.Image} ({bytes.Length} bytes, chain depth {image.Manifest.ChainDepth}) to node {info.Node}: {info.Name} ({info.Program}) {info.State}";
        if (settings.Plain) Console.WriteLine(text);
        else AnsiConsole.MarkupLineInterpolated($"[green]{text}[/]");
        return 0;
    }
}
