using Grpc.Core;
using Rtcr.Image;
using Rtcr.Node.Migration;
using Rtcr.Node.Protos;
using Rtcr.Node.Transport;

namespace Rtcr.Node.Agent;

/// <summary>
/// The gRPC face of a <see cref="LocalNode"/>: maps requests to it and its typed errors to status codes
/// (unknown component: NOT_FOUND; bad request: INVALID_ARGUMENT; wrong state: FAILED_PRECONDITION;
/// corrupt image stream: DATA_LOSS; aborted migration: ABORTED).
/// </summary>
public sealed class NodeAgentService(LocalNode node) : NodeAgent.NodeAgentBase
{
    /// <inheritdoc />
    public override Task<NodeInfo> GetInfo(InfoRequest request, ServerCallContext context) =>
        Task.FromResult(new NodeInfo { Name = node.Name, Address = node.Address, Components = node.Components.Count, UptimeMs = node.UptimeMs });

    /// <inheritdoc />
    public override Task<ComponentInfo> Start(StartRequest request, ServerCallContext context) =>
        Map(() => Task.FromResult(node.Describe(node.Start(request.Program, request.Name, request.Config, request.Tracked, request.RamQuota))));

    /// <inheritdoc />
    public override Task<ListReply> List(ListRequest request, ServerCallContext context)
    {
        var reply = new ListReply { Node = node.Name };
        reply.Components.AddRange(node.Components.Select(node.Describe));
        return Task.FromResult(reply);
    }

    /// <inheritdoc />
    public override Task<CheckpointReply> Checkpoint(ComponentRef request, ServerCallContext context) => Map(async () =>
    {
        var (path, image, pause) = await node.CheckpointAsync(request.Name, context.CancellationToken);
        return new CheckpointReply { Path = path, MemoryBytes = image.MemoryBytes, PauseMs = pause.TotalMilliseconds };
    });

    /// <inheritdoc />
    public override Task StreamImage(ComponentRef request, IServerStreamWriter<ImageChunk> responseStream, ServerCallContext context) => Map(async () =>
    {
        var bytes = await node.SerializeAsync(request.Name, context.CancellationToken);
        foreach (var chunk in ImageChunker.Split(bytes, "export-" + Guid.NewGuid().ToString("N"), 0, header: new ImageChunk { Component = request.Name, SourceNode = node.Name, SourceAddress = node.Address }))
            await responseStream.WriteAsync(chunk, context.CancellationToken);
        return true;
    });

    /// <inheritdoc />
    public override Task<ComponentInfo> Push(IAsyncStreamReader<ImageChunk> requestStream, ServerCallContext context) =>
        Map(async () => node.Describe(await node.RestorePushedAsync(requestStream, context.CancellationToken)));

    /// <inheritdoc />
    public override Task<StopReply> Stop(ComponentRef request, ServerCallContext context) =>
        Map(() => Task.FromResult(new StopReply { Stopped = node.Stop(request.Name) }));

    /// <inheritdoc />
    public override async Task StreamLogs(LogRequest request, IServerStreamWriter<LogLine> responseStream, ServerCallContext context)
    {
        using var subscription = node.Logs.Subscribe();
        try
        {
            await foreach (var line in subscription.Lines.ReadAllAsync(context.CancellationToken))
                if (request.Component.Length == 0 || line.Component == request.Component)
                    await responseStream.WriteAsync(line, context.CancellationToken);
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The client went away: the stream simply ends.
        }
    }

    /// <inheritdoc />
    public override Task Migrate(MigrateRequest request, IServerStreamWriter<MigrationEvent> responseStream, ServerCallContext context) => Map(async () =>
    {
        // Events are written by one writer at a time: the migration runs on one logical thread.
        var source = new MigrationSource(node, request, e => responseStream.WriteAsync(e, context.CancellationToken));
        var summary = await source.RunAsync(context.CancellationToken);
        try
        {
            await responseStream.WriteAsync(new MigrationEvent { Summary = summary });
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
        {
            // The migration is done (committed); only its report could not be delivered.
            Console.Error.WriteLine($"migration {summary.MigrationId}: done, but the client left before the summary: {ex.Message}");
        }
        return true;
    });

    /// <inheritdoc />
    public override Task<ReceiveReply> ReceiveImage(IAsyncStreamReader<ImageChunk> requestStream, ServerCallContext context) =>
        Map(async () => new ReceiveReply { Bytes = await node.Incoming.ReceiveAsync(requestStream, context.CancellationToken) });

    /// <inheritdoc />
    public override Task<PrepareReply> PrepareRestore(PrepareRequest request, ServerCallContext context) =>
        Map(() => Task.FromResult(node.Incoming.Prepare(request.MigrationId, request.Images)));

    /// <inheritdoc />
    public override Task<CommitReply> CommitRestore(MigrationRef request, ServerCallContext context) => Map(() =>
    {
        node.Incoming.Commit(request.MigrationId);
        return Task.FromResult(new CommitReply { Resumed = true, Node = node.Name });
    });

    /// <inheritdoc />
    public override Task<AbortReply> AbortRestore(MigrationRef request, ServerCallContext context) =>
        Map(() => Task.FromResult(new AbortReply { Discarded = node.Incoming.Abort(request.MigrationId) }));

    /// <inheritdoc />
    public override Task<OutcomeReply> MigrationOutcome(MigrationRef request, ServerCallContext context) =>
        Task.FromResult(new OutcomeReply { Outcome = node.Outcomes.Of(request.MigrationId).ToString().ToLowerInvariant() });

    private static async Task<T> Map<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (RpcException)
        {
            throw;
        }
        catch (KeyNotFoundException ex)
        {
            throw new RpcException(new Status(StatusCode.NotFound, ex.Message));
        }
        catch (ArgumentException ex)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, ex.Message));
        }
        catch (InvalidOperationException ex)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, ex.Message));
        }
        catch (Exception ex) when (ex is ImageTransferException or ImageFormatException)
        {
            throw new RpcException(new Status(StatusCode.DataLoss, ex.Message));
        }
        catch (Rtcr.Restore.RestoreException ex)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, ex.Message));
        }
        catch (MigrationException ex)
        {
            throw new RpcException(new Status(StatusCode.Aborted, ex.Message));
        }
    }
}
