using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Rtcr.Node.Migration;
using Rtcr.Node.Transport;

namespace Rtcr.Node.Agent;

/// <summary>
/// A node agent listening on one address: Kestrel with HTTP/2 (cleartext, or TLS with
/// <see cref="NodeOptions.Certificate"/>), the token check in front of every call, and the
/// <see cref="NodeAgentService"/>. At start it recovers what a previous run left in its image directory
/// (migrations it was receiving, and undecided migrations it was the source of).
/// </summary>
public sealed class NodeServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private readonly CancellationTokenSource _stopping = new();

    private NodeServer(WebApplication app, LocalNode node)
    {
        _app = app;
        Node = node;
    }

    /// <summary>The node served.</summary>
    public LocalNode Node { get; }

    /// <summary>The bound address (<c>http://host:port</c> or <c>https://host:port</c>; the real port when 0 was asked for).</summary>
    public string Address => Node.Address;

    /// <summary>Binds <paramref name="listen"/> (<c>host:port</c>; port 0 picks a free one) and starts serving.</summary>
    /// <exception cref="FormatException">The address is not <c>host:port</c>.</exception>
    public static async Task<NodeServer> StartAsync(string listen, NodeToken token, NodeOptions options)
    {
        var endpoint = ParseEndpoint(listen);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(endpoint, l =>
            {
                l.Protocols = HttpProtocols.Http2;
                if (options.Certificate is { } certificate) l.UseHttps(certificate);
            });
            k.Limits.Http2.InitialConnectionWindowSize = 16 * 1024 * 1024;
            k.Limits.Http2.InitialStreamWindowSize = 8 * 1024 * 1024;
        });
        var node = new LocalNode(options);
        // Before the first call: what the previous run was receiving is back in place.
        node.Incoming.Recover();
        builder.Services.AddSingleton(node);
        builder.Services.AddSingleton(token);
        builder.Services.AddGrpc(o =>
        {
            o.Interceptors.Add<TokenInterceptor>();
            o.MaxReceiveMessageSize = NodeConnection.MaxMessageBytes;
            o.MaxSendMessageSize = NodeConnection.MaxMessageBytes;
            o.EnableDetailedErrors = true;
        });
        var app = builder.Build();
        app.MapGrpcService<NodeAgentService>();
        await app.StartAsync();
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("the server reports no bound address");
        node.Address = bound.Replace("[::]", endpoint.Address.ToString(), StringComparison.Ordinal);
        var server = new NodeServer(app, node);
        _ = new SourceRecovery(node).RunAsync(server._stopping.Token);
        return server;
    }

    /// <summary>Parses <c>host:port</c> (an IP address or <c>localhost</c>).</summary>
    /// <exception cref="FormatException">Not of that form.</exception>
    public static IPEndPoint ParseEndpoint(string listen)
    {
        int colon = listen.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(listen.AsSpan(colon + 1), System.Globalization.CultureInfo.InvariantCulture, out int port) || port is < 0 or > 65535)
            throw new FormatException($"--listen '{listen}' is not host:port");
        string host = listen[..colon].Trim('[', ']');
        var address = host == "localhost" ? IPAddress.Loopback : IPAddress.TryParse(host, out var ip) ? ip : throw new FormatException($"--listen '{listen}': '{host}' is not an IP address (or localhost)");
        return new IPEndPoint(address, port);
    }

    /// <summary>Waits until the server stops.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancel) => _app.WaitForShutdownAsync(cancel);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Node.Dispose();
        _stopping.Dispose();
    }
}
