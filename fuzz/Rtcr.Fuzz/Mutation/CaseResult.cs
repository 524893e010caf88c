namespace Rtcr.Fuzz;

/// <summary>The outcome of one case and what explains it (exception type and message for a failure).</summary>
internal sealed record CaseResult(CaseOutcome Outcome, string Detail)
{
    /// <summary>Whether the outcome is one of the two allowed ones.</summary>
    public bool IsAllowed => Outcome is CaseOutcome.Restored or CaseOutcome.Refused;
}
