using System.Diagnostics;
using Grpc.Core;
using Rtcr.Checkpoint;
using Rtcr.Node.Agent;
using Rtcr.Node.Protos;
using Rtcr.Node.Transport;

namespace Rtcr.Node.Migration;

/// <summary>
/// The source side of a migration, run by the source agent: cold (freeze, checkpoint, send) or live
/// (pre-copy rounds while the child runs, then freeze and send the last delta), then restore on the
/// target (frozen), compare memory digests, and only then the decision. Until the decision the source
/// copy can resume; the decision to commit is recorded before the source copy is stopped and before the
/// target is told to resume, so at no moment do two copies run (docs/migration.md).
/// </summary>
public sealed class MigrationSource(LocalNode node, MigrateRequest request, Func<MigrationEvent, Task> emit)
{
    private readonly string _id = Guid.NewGuid().ToString("N");
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(50);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _images;
    private long _bytesSent;
    private TimeSpan _lastSend;
    private TimeSpan _finalRound;

    /// <summary>Runs the migration; returns its summary.</summary>
    /// <exception cref="MigrationException">It was aborted; the component runs on the source as before.</exception>
    public async Task<MigrationSummary> RunAsync(CancellationToken cancel)
    {
        var c = node.Get(request.Component);
        await c.Busy.WaitAsync(cancel);
        if (!node.TryMove(c, ComponentState.Running, ComponentState.Migrating))
        {
            c.Busy.Release();
            throw new MigrationException($"'{c.Name}' on node '{node.Name}' is {c.State.ToString().ToLowerInvariant()}, not running");
        }
        node.Outcomes.Begin(_id, c.Name, NodeConnection.Normalize(request.Target));
        using var target = new NodeConnection(request.Target, node.Options.Token, node.Options.Tls);
        var pd = c.Child.Env.Domain;
        bool frozen = false;
        TimeSpan frozenAt = default;
        int rounds = 0;
        PrepareReply prepared;
        ulong digest;
        try
        {
            await Phase($"migration {_id}: '{c.Name}' from {node.Name} to {target.Address} ({(request.Live ? "live" : "cold")})");
            // Reach the target (and open the connection) before anything pauses the child: an unreachable
            // target or a refused token fails here, with the child untouched.
            var info = await target.Client.GetInfoAsync(new InfoRequest(), deadline: Deadline(), cancellationToken: cancel);
            await Phase($"target node '{info.Name}' reached");
            if (request.Live) rounds = await PrecopyAsync(c, target, cancel);
            // The final round: the child stays frozen from here until the decision.
            pd.Freeze();
            frozen = true;
            frozenAt = _clock.Elapsed;
            var roundStart = _clock.Elapsed;
            var image = c.Host.Checkpoint(c.Child, incremental: request.Live);
            digest = ChildMemory.Digest(c.Child);
            var bytes = LocalNode.Serialize(image);
            image.ReleaseBuffers(); // serialized: the next round reuses its buffers
            long sent = await SendAsync(target, c, bytes, cancel);
            // The target has the whole frozen state now: a restarted source can still roll forward.
            node.Outcomes.Frozen(_id, digest, _images);
            rounds++;
            _finalRound = _clock.Elapsed - roundStart;
            await emit(new MigrationEvent
            {
                Round = new RoundStats { Round = rounds, IsDelta = image.IsDelta, BytesSent = sent, Seconds = (_clock.Elapsed - roundStart).TotalSeconds, SendSeconds = _lastSend.TotalSeconds, Final = true },
            });
            await Phase("restoring on the target");
            prepared = await target.Client.PrepareRestoreAsync(new PrepareRequest { MigrationId = _id, Images = _images }, deadline: Deadline(), cancellationToken: cancel);
            if (prepared.Digest != digest)
                throw new MigrationException($"the restored memory differs from the source's (digest {prepared.Digest:x16}, source {digest:x16})");
            if (prepared.StampCheck.StartsWith("FAILED", StringComparison.Ordinal))
                throw new MigrationException($"stamp check on the target: {prepared.StampCheck}");
        }
        catch (Exception ex)
        {
            await AbortAsync(c, target, frozen, ex);
            if (ex is MigrationException) throw;
            throw new MigrationException($"migration of '{c.Name}' to {target.Address} aborted, '{c.Name}' still runs on node '{node.Name}': {Describe(ex)}", ex);
        }

        if (node.Options.Faults.KillBeforeDecision) Die("the target restored the component, before the decision");
        // The decision (on disk before anything acts on it). From here the target's copy is the component.
        if (!node.Outcomes.TryDecide(_id, MigrationOutcome.Committed))
            throw new InvalidOperationException($"migration {_id} was decided twice");
        if (node.Options.Faults.KillAfterDecision) Die("the commit was recorded");
        await ReportAfterDecision($"decided: committed (migration {_id})");
        if (node.Options.Faults.DelayCommitMs > 0) await Task.Delay(node.Options.Faults.DelayCommitMs, CancellationToken.None);
        node.Remove(c);
        bool confirmed = false;
        if (!node.Options.Faults.DropCommit)
        {
            try
            {
                var reply = await target.Client.CommitRestoreAsync(new MigrationRef { MigrationId = _id }, deadline: Deadline());
                confirmed = reply.Resumed;
            }
            catch (RpcException ex)
            {
                // The target resumes anyway once it asks for the outcome (after its lease).
                Console.Error.WriteLine($"migration {_id}: committed, but the target did not confirm: {ex.Status.Detail}");
            }
        }
        var downtime = _clock.Elapsed - frozenAt;
        return new MigrationSummary
        {
            MigrationId = _id,
            Component = c.Name,
            Source = node.Name,
            Target = target.Address,
            Live = request.Live,
            Rounds = rounds,
            BytesSent = _bytesSent,
            TotalMs = _clock.Elapsed.TotalMilliseconds,
            DowntimeMs = downtime.TotalMilliseconds,
            SourceDigest = digest,
            TargetDigest = prepared.Digest,
            StampCheck = prepared.StampCheck,
            Confirmed = confirmed,
            RestoreMs = prepared.RestoreMs,
            FinalRoundMs = _finalRound.TotalMilliseconds,
        };
    }

    // Pre-copy rounds while the child runs: a full image, then deltas of what it dirtied meanwhile.
    private async Task<int> PrecopyAsync(HostedComponent c, NodeConnection target, CancellationToken cancel)
    {
        var tracker = c.Host.TrackerOf(c.Child)
            ?? throw new MigrationException($"'{c.Name}' was started without RAM tracking; live migration needs it (start it tracked)");
        var planner = new PrecopyPlanner(TimeSpan.FromMilliseconds(request.MaxDowntimeMs > 0 ? request.MaxDowntimeMs : 50), request.MaxRounds > 0 ? request.MaxRounds : 10);
        // The first round must be a full image: the target has nothing yet.
        c.Host.BreakChain(c.Child);
        int round = 0;
        while (true)
        {
            var start = _clock.Elapsed;
            var image = c.Host.Checkpoint(c.Child, incremental: true);
            var bytes = LocalNode.Serialize(image);
            image.ReleaseBuffers(); // serialized: the next round reuses its buffers
            long sent = await SendAsync(target, c, bytes, cancel);
            var seconds = (_clock.Elapsed - start).TotalSeconds;
            round++;
            long dirty = tracker.DirtyBytes;
            double throughput = sent / Math.Max(seconds, 1e-6);
            var estimate = PrecopyPlanner.EstimateDowntime(dirty, throughput);
            await emit(new MigrationEvent
            {
                Round = new RoundStats
                {
                    Round = round,
                    IsDelta = image.IsDelta,
                    BytesSent = sent,
                    Seconds = seconds,
                    SendSeconds = _lastSend.TotalSeconds,
                    DirtyBytesPerSecond = dirty / Math.Max(seconds, 1e-6),
                    DirtyBytes = dirty,
                    EstimatedDowntimeMs = estimate.TotalMilliseconds,
                },
            });
            if (!planner.Continue(round, dirty, estimate))
            {
                await Phase($"pre-copy done after {round} rounds: {planner.StopReason}");
                return round;
            }
        }
    }

    private async Task<long> SendAsync(NodeConnection target, HostedComponent c, byte[] bytes, CancellationToken cancel)
    {
        int sequence = _images;
        if (sequence > 0 && node.Options.Faults.DelayImagesMs > 0) await Task.Delay(node.Options.Faults.DelayImagesMs, cancel);
        var header = new ImageChunk { Component = c.Name, SourceNode = node.Name, SourceAddress = node.Address };
        var started = _clock.Elapsed;
        using var call = target.Client.ReceiveImage(deadline: Deadline(), cancellationToken: cancel);
        long done = 0;
        var lastProgress = _clock.Elapsed - ProgressInterval; // the first chunk reports
        int chunkBytes = request.ChunkBytes > 0 ? request.ChunkBytes : ImageChunker.DefaultChunkBytes;
        foreach (var chunk in ImageChunker.Split(bytes, _id, sequence, chunkBytes, header))
        {
            if (node.CountChunkSent() == node.Options.Faults.CorruptChunk)
            {
                var damaged = chunk.Data.ToByteArray();
                damaged[damaged.Length / 2] ^= 0x5A;
                chunk.Data = Google.Protobuf.ByteString.CopyFrom(damaged);
                Console.Error.WriteLine($"fault injected: chunk {node.Options.Faults.CorruptChunk} sent by node '{node.Name}' corrupted in transit");
            }
            await call.RequestStream.WriteAsync(chunk, cancel);
            done += chunk.Data.Length;
            // Progress at most every 50 ms and at the end: a message to the client per chunk competes with
            // the stream itself (every write to the client is a hand-off to another thread).
            if (chunk.Last || _clock.Elapsed - lastProgress >= ProgressInterval)
            {
                lastProgress = _clock.Elapsed;
                await emit(new MigrationEvent { Transfer = new TransferProgress { Image = sequence, Done = done, Total = bytes.Length } });
            }
        }
        await call.RequestStream.CompleteAsync();
        await call.ResponseAsync;
        _lastSend = _clock.Elapsed - started;
        _images++;
        _bytesSent += bytes.Length;
        return bytes.Length;
    }

    // Before the decision: record "aborted" (a target asking later learns it), tell the target to discard
    // what it has (best effort: it may be gone), and let the source copy run on.
    private async Task AbortAsync(HostedComponent c, NodeConnection target, bool frozen, Exception cause)
    {
        node.Outcomes.TryDecide(_id, MigrationOutcome.Aborted);
        if (frozen) c.Child.Env.Domain.Thaw();
        node.TryMove(c, ComponentState.Migrating, ComponentState.Running);
        c.Busy.Release();
        Console.Error.WriteLine($"migration {_id} aborted, '{c.Name}' still runs on node '{node.Name}': {Describe(cause)}");
        try
        {
            await target.Client.AbortRestoreAsync(new MigrationRef { MigrationId = _id }, deadline: DateTime.UtcNow + TimeSpan.FromSeconds(5));
        }
        catch (RpcException ex)
        {
            Console.Error.WriteLine($"migration {_id}: the target could not be told to discard ({ex.Status.StatusCode}); it will ask after its lease");
        }
    }

    private void Die(string when)
    {
        Console.Error.WriteLine($"fault injected: node '{node.Name}' kills itself in migration {_id}: {when}");
        // SIGKILL, like a crashed machine: no shutdown code runs.
        System.Diagnostics.Process.GetCurrentProcess().Kill();
    }

    private static string Describe(Exception ex) => ex is RpcException rpc ? $"{rpc.Status.StatusCode}: {rpc.Status.Detail}" : ex.Message;

    private DateTime Deadline() => DateTime.UtcNow + node.Options.CallTimeout;

    // After the decision the migration completes whether or not the client still listens.
    private async Task ReportAfterDecision(string text)
    {
        try
        {
            await Phase(text);
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or RpcException)
        {
            Console.Error.WriteLine($"migration {_id}: the client left ({ex.GetType().Name}); the migration completes without it");
        }
    }

    private Task Phase(string text)
    {
        Console.Error.WriteLine(text);
        return emit(new MigrationEvent { Phase = text });
    }
}
