using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Rtcr.Node.Transport;

/// <summary>
/// Refuses every call whose <c>authorization</c> header is not <c>Bearer &lt;token&gt;</c> with the node's
/// shared token, before the call reaches the agent (compared in constant time).
/// </summary>
public sealed class TokenInterceptor : Interceptor
{
    /// <summary>The metadata key the token travels in.</summary>
    public const string Header = "authorization";

    private readonly byte[] _expected;

    /// <summary>Creates the interceptor for <paramref name="token"/>.</summary>
    public TokenInterceptor(NodeToken token) => _expected = Encoding.UTF8.GetBytes("Bearer " + token.Value);

    /// <inheritdoc />
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, context);
    }

    /// <inheritdoc />
    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(requestStream, context);
    }

    /// <inheritdoc />
    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, responseStream, context);
    }

    /// <inheritdoc />
    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(requestStream, responseStream, context);
    }

    private void Check(ServerCallContext context)
    {
        var given = context.RequestHeaders.GetValue(Header);
        if (given is null || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), _expected))
            throw new RpcException(new Status(StatusCode.Unauthenticated, given is null ? "no token: this node requires the shared token (--token-file)" : "wrong token"));
    }
}
