namespace Rtcr.Node.Migration;

/// <summary>What the source's journal knows of one migration.</summary>
/// <param name="Id">The migration id.</param>
/// <param name="Component">The component's name.</param>
/// <param name="Target">The target agent's address.</param>
public sealed record OutgoingMigration(string Id, string Component, string Target)
{
    /// <summary>The decision (pending until made).</summary>
    public MigrationOutcome Outcome { get; set; } = MigrationOutcome.Pending;

    /// <summary>Digest of the frozen memory, once the source froze its copy for good (null before).</summary>
    public ulong? Digest { get; set; }

    /// <summary>Images sent in all, once frozen.</summary>
    public int Images { get; set; }
}
