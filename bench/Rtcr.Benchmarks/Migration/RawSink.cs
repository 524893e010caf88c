using Grpc.Core;

namespace Rtcr.Benchmarks.Migration;

/// <summary>Receives a stream of chunks and counts their bytes: raw gRPC streaming, nothing else.</summary>
public sealed class RawSink : Sink.SinkBase
{
    /// <inheritdoc />
    public override async Task<SinkReply> Swallow(IAsyncStreamReader<RawChunk> requestStream, ServerCallContext context)
    {
        long bytes = 0;
        while (await requestStream.MoveNext(context.CancellationToken)) bytes += requestStream.Current.Data.Length;
        return new SinkReply { Bytes = bytes };
    }
}
