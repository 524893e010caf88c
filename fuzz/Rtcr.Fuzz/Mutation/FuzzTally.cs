using System.Text;

namespace Rtcr.Fuzz;

/// <summary>Counts of a run's outcomes by family, and the failures with the mutation that made them.</summary>
internal sealed class FuzzTally
{
    private readonly Dictionary<(string Family, CaseOutcome Outcome), int> _counts = new();

    /// <summary>Cases that ended outside {restored, refused}: the case number, the mutation and the result.</summary>
    public List<(int Case, string Mutation, CaseResult Result)> Failures { get; } = new();

    /// <summary>Cases counted.</summary>
    public int Cases { get; private set; }

    /// <summary>Cases with <paramref name="outcome"/>.</summary>
    public int Count(CaseOutcome outcome) => _counts.Where(kv => kv.Key.Outcome == outcome).Sum(kv => kv.Value);

    /// <summary>Counts a case.</summary>
    public void Add(int index, Mutant mutant, CaseResult result)
    {
        Cases++;
        string family = mutant.Description.Split(' ')[0] + " " + mutant.Seed.Name;
        _counts[(family, result.Outcome)] = _counts.GetValueOrDefault((family, result.Outcome)) + 1;
        if (!result.IsAllowed) Failures.Add((index, mutant.Description, result));
    }

    /// <summary>A table: family × outcome, then totals.</summary>
    public string Describe()
    {
        var sb = new StringBuilder();
        var outcomes = Enum.GetValues<CaseOutcome>();
        sb.Append($"{"family",-34}").AppendJoin("", outcomes.Select(o => $"{o,10}")).Append('\n');
        foreach (var family in _counts.Keys.Select(k => k.Family).Distinct().Order(StringComparer.Ordinal))
            sb.Append($"{family,-34}").AppendJoin("", outcomes.Select(o => $"{_counts.GetValueOrDefault((family, o)),10}")).Append('\n');
        sb.Append($"{"total",-34}").AppendJoin("", outcomes.Select(o => $"{Count(o),10}")).Append('\n');
        return sb.ToString();
    }
}
