using Grpc.Core;
using Rtcr.Node.Agent;
using Rtcr.Node.Protos;
using Rtcr.Node.Transport;

namespace Rtcr.Node.Migration;

/// <summary>
/// Resolves the migrations a crashed source agent left undecided in its journal, when it starts again.
/// One that had not frozen its copy for good is aborted: the component was running in the process that
/// died, so it is gone, and the target must drop what it received. One that had (the target got the
/// whole frozen state) is rolled forward when the target still holds it: the target's restore is asked
/// for again (it answers as before), and if its digest is the one journaled at the freeze the migration is
/// committed and the target told so; if the target no longer has it, aborted. While the target cannot be
/// reached the migration stays pending and is retried (the target, for its part, keeps its copy frozen).
/// </summary>
public sealed class SourceRecovery(LocalNode node)
{
    /// <summary>How long to wait before asking an unreachable target again.</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Resolves every pending migration; returns when all are decided or <paramref name="cancel"/> fires.</summary>
    public async Task RunAsync(CancellationToken cancel)
    {
        var pending = node.Outcomes.Pending;
        await Task.WhenAll(pending.Select(m => ResolveAsync(m, cancel)));
    }

    private async Task ResolveAsync(OutgoingMigration m, CancellationToken cancel)
    {
        if (m.Digest is not { } digest)
        {
            node.Outcomes.TryDecide(m.Id, MigrationOutcome.Aborted);
            Console.Error.WriteLine($"migration {m.Id}: the source died before it froze '{m.Component}' for good: aborted (the component died with that process)");
            await TellAsync(m, abort: true);
            return;
        }
        while (!cancel.IsCancellationRequested)
        {
            try
            {
                using var target = new NodeConnection(m.Target, node.Options.Token, node.Options.Tls);
                var reply = await target.Client.PrepareRestoreAsync(new PrepareRequest { MigrationId = m.Id, Images = m.Images },
                    deadline: DateTime.UtcNow + node.Options.CallTimeout, cancellationToken: cancel);
                bool same = reply.Digest == digest && !reply.StampCheck.StartsWith("FAILED", StringComparison.Ordinal);
                var outcome = same ? MigrationOutcome.Committed : MigrationOutcome.Aborted;
                node.Outcomes.TryDecide(m.Id, outcome);
                Console.Error.WriteLine(same
                    ? $"migration {m.Id}: the target holds the frozen '{m.Component}' (digest {digest:x16}): committed after the source restarted"
                    : $"migration {m.Id}: the target's copy of '{m.Component}' differs (digest {reply.Digest:x16}, frozen {digest:x16}): aborted; the component is lost");
                await TellAsync(m, abort: !same);
                return;
            }
            catch (RpcException ex) when (ex.StatusCode is StatusCode.NotFound or StatusCode.DataLoss or StatusCode.InvalidArgument)
            {
                node.Outcomes.TryDecide(m.Id, MigrationOutcome.Aborted);
                Console.Error.WriteLine($"migration {m.Id}: the target no longer holds '{m.Component}' ({ex.Status.Detail}): aborted; the component is lost");
                return;
            }
            catch (RpcException ex)
            {
                Console.Error.WriteLine($"migration {m.Id}: target {m.Target} not reachable ({ex.StatusCode}); the migration stays pending, retrying");
            }
            try
            {
                await Task.Delay(RetryInterval, cancel);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    // Best effort: a target that does not hear it asks for the outcome itself.
    private async Task TellAsync(OutgoingMigration m, bool abort)
    {
        try
        {
            using var target = new NodeConnection(m.Target, node.Options.Token, node.Options.Tls);
            var id = new MigrationRef { MigrationId = m.Id };
            var deadline = DateTime.UtcNow + node.Options.CallTimeout;
            if (abort) await target.Client.AbortRestoreAsync(id, deadline: deadline);
            else await target.Client.CommitRestoreAsync(id, deadline: deadline);
        }
        catch (RpcException ex)
        {
            Console.Error.WriteLine($"migration {m.Id}: target {m.Target} not told ({ex.StatusCode}); it will ask");
        }
    }
}
