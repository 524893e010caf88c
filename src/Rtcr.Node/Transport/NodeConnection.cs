using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Rtcr.Node.Protos;

namespace Rtcr.Node.Transport;

/// <summary>A client of one node agent: a channel to its address with the token on every call.</summary>
public sealed class NodeConnection : IDisposable
{
    /// <summary>Largest message either side accepts (image chunks are far smaller).</summary>
    public const int MaxMessageBytes = 64 * 1024 * 1024;

    private readonly GrpcChannel _channel;

    /// <summary>Connects (lazily) to <paramref name="address"/> (<c>host:port</c>, <c>http://host:port</c> or <c>https://host:port</c>).</summary>
    /// <param name="address">The agent's address.</param>
    /// <param name="token">The shared token, or null to call without one (the agent will refuse).</param>
    /// <param name="tls">How to trust the agent's certificate; with it a bare <c>host:port</c> means <c>https://</c>. Null: cleartext for a bare address.</param>
    public NodeConnection(string address, NodeToken? token, ClientTls? tls = null)
    {
        Address = Normalize(address, tls is not null);
        var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true };
        if (tls?.Validator() is { } validate) handler.SslOptions.RemoteCertificateValidationCallback = validate;
        _channel = GrpcChannel.ForAddress(Address, new GrpcChannelOptions
        {
            MaxReceiveMessageSize = MaxMessageBytes,
            MaxSendMessageSize = MaxMessageBytes,
            HttpHandler = handler,
            DisposeHttpClient = true,
        });
        CallInvoker invoker = _channel.CreateCallInvoker();
        if (token is not null)
            invoker = invoker.Intercept(metadata =>
            {
                metadata.Add(TokenInterceptor.Header, "Bearer " + token.Value);
                return metadata;
            });
        Client = new NodeAgent.NodeAgentClient(invoker);
    }

    /// <summary>The agent's address as a URI.</summary>
    public string Address { get; }

    /// <summary>The generated client.</summary>
    public NodeAgent.NodeAgentClient Client { get; }

    /// <summary>Turns <c>host:port</c> into <c>http://host:port</c>, or <c>https://host:port</c> with <paramref name="tls"/>; a scheme given is kept.</summary>
    public static string Normalize(string address, bool tls = false) =>
        address.Contains("://", StringComparison.Ordinal) ? address.TrimEnd('/') : (tls ? "https://" : "http://") + address;

    /// <inheritdoc />
    public void Dispose() => _channel.Dispose();
}
