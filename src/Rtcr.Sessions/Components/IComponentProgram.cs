namespace Rtcr.Sessions;

/// <summary>
/// A component's code. <see cref="Register"/> binds handlers and thread programs (code only, run on
/// every start and after every restore); <see cref="Construct"/> runs once on a fresh start and
/// builds the component's state, which must live in its RAM dataspaces and capabilities.
/// </summary>
public interface IComponentProgram : IComponent
{
    /// <summary>The component's name (its binary name).</summary>
    string Name { get; }

    /// <summary>
    /// Version of the component's code, stored in every image (as CRIU stores build ids). A restore
    /// refuses an image written by another version, before anything is created: handler and thread
    /// program semantics may differ even where the names match.
    /// </summary>
    string Version => "1";

    /// <summary>Registers signal handlers and thread programs by stable name.</summary>
    void Register(Env env);

    /// <summary>First start: reads config, opens sessions, allocates memory, starts threads and timers.</summary>
    void Construct(Env env);

    /// <summary>
    /// After a restore, before the child runs: what about the restored state this code cannot run
    /// from (its memory layout, capability indices kept in its memory), or null. The framework checks
    /// what it knows (docs/fuzzing.md); only the program knows its own invariants, and a crafted
    /// image must be refused rather than restored into a child that fails at its first step. A
    /// problem rolls the restore back with a <see cref="Rtcr.Restore.RestoreException"/>.
    /// </summary>
    string? RestoredStateProblem(Env env) => null;
}
