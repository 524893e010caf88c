namespace Rtcr.Node.Agent;

/// <summary>Where a component on a node stands.</summary>
public enum ComponentState
{
    /// <summary>Running.</summary>
    Running,
    /// <summary>Being migrated away: pre-copy rounds run while it runs, or frozen for the last copy.</summary>
    Migrating,
    /// <summary>Restored from a migration, frozen until the source has stopped its copy.</summary>
    Prepared,
}
