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

    /// <summary>Connects (lazily) to <paramref name="address"/> (<c>host:port</c> or <c>http://host:port</c>).</summary>
    /// <param name="address">The agent's address.</param>
    /// <param name="token">The shared token, or null to call without one (the agent will refuse).</param>
    public NodeConnection(string address, NodeToken? token)
    {
        Address = Normalize(address);
        _channel = GrpcChannel.ForAddress(Address, new GrpcChannelOptions
        {
            MaxReceiveMessageSize = MaxMessageBytes,
            MaxSendMessageSize = MaxMessageBytes,
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

    /// <summary>Turns <c>host:port</c> into <c>http://host:port</c>; agents speak HTTP/2 without TLS.</summary>
    public static string Normalize(string address) =>
        address.Contains("://", StringComparison.Ordinal) ? address.TrimEnd('/') : "http://" + address;

    /// <inheritdoc />
    public void Dispose() => _channel.Dispose();
}
