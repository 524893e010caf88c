namespace Rtcr.Node.Migration;

/// <summary>The source's decision about a migration: the one place where it is made.</summary>
public enum MigrationOutcome
{
    /// <summary>The source has not decided yet: the target must keep its copy frozen.</summary>
    Pending,
    /// <summary>The source stopped its copy: the target's copy is the component now and must run.</summary>
    Committed,
    /// <summary>The source kept (and resumed) its copy: the target must discard its own.</summary>
    Aborted,
    /// <summary>The source does not know the migration (it restarted, so its copy died with it).</summary>
    Unknown,
}
