using System.Collections.Concurrent;

namespace Rtcr.Node.Migration;

/// <summary>
/// The decisions of the migrations a node was the source of. A decision is made once: a migration goes
/// from pending to committed or aborted and never changes again, so a target asking later always gets
/// the same answer the source acted on.
/// </summary>
public sealed class MigrationOutcomes
{
    private readonly ConcurrentDictionary<string, MigrationOutcome> _outcomes = new(StringComparer.Ordinal);

    /// <summary>Records a new pending migration.</summary>
    public void Begin(string id)
    {
        if (!_outcomes.TryAdd(id, MigrationOutcome.Pending)) throw new InvalidOperationException($"migration {id} already exists");
    }

    /// <summary>Decides a pending migration; false when it was decided already (the earlier decision stands).</summary>
    public bool TryDecide(string id, MigrationOutcome outcome)
    {
        if (outcome is not (MigrationOutcome.Committed or MigrationOutcome.Aborted)) throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "decide commit or abort");
        return _outcomes.TryUpdate(id, outcome, MigrationOutcome.Pending);
    }

    /// <summary>The decision about <paramref name="id"/>.</summary>
    public MigrationOutcome Of(string id) => _outcomes.TryGetValue(id, out var o) ? o : MigrationOutcome.Unknown;
}
