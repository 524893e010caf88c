using Rtcr.Checkpoint;
using Rtcr.Restore;

namespace Rtcr.Sessions;

/// <summary>
/// The identity of a component's code in an image, checked before a restore creates anything (as
/// CRIU checks build ids): the program's version, and the names of the signal handlers and thread
/// programs its code registered. Images written before these were recorded carry none of them and
/// are restored without the check.
/// </summary>
public static class ProgramIdentity
{
    /// <summary>Metadata key of the program's version.</summary>
    public const string VersionKey = "program.version";

    /// <summary>Metadata key of the registered handler names (comma-separated, sorted).</summary>
    public const string HandlersKey = "code.handlers";

    /// <summary>Metadata key of the registered thread-program names (comma-separated, sorted).</summary>
    public const string ProgramsKey = "code.programs";

    /// <summary>Joins names canonically.</summary>
    public static string Join(IEnumerable<string> names) => string.Join(",", names.Order(StringComparer.Ordinal));

    /// <summary>Refuses an image written by another version of <paramref name="program"/>.</summary>
    /// <exception cref="RestoreException">The versions differ.</exception>
    public static void CheckVersion(ImageManifest image, IComponentProgram program)
    {
        if (image.Metadata.TryGetValue(VersionKey, out var version) && version != program.Version)
            throw new RestoreException($"image of '{image.Label}' was written by {program.Name} version {version}; this code is version {program.Version}");
    }

    /// <summary>Refuses to restore when the registered code lacks a handler or thread program the checkpointed code had.</summary>
    /// <exception cref="RestoreException">Names the missing handlers and programs.</exception>
    public static void CheckCode(ImageManifest image, ProtectionDomain pd)
    {
        var missing = new List<string>();
        if (image.Metadata.TryGetValue(HandlersKey, out var handlers) && pd.Entrypoint is { } ep)
            missing.AddRange(Split(handlers).Where(h => !ep.HasHandler(h)).Select(h => $"handler '{h}'"));
        if (image.Metadata.TryGetValue(ProgramsKey, out var programs))
            missing.AddRange(Split(programs).Where(p => !pd.Programs.ContainsKey(p)).Select(p => $"thread program '{p}'"));
        if (missing.Count > 0)
            throw new RestoreException($"the code restoring '{image.Label}' lacks {string.Join(", ", missing)} that the checkpointed code registered; nothing was created");
    }

    private static IEnumerable<string> Split(string names) => names.Split(',', StringSplitOptions.RemoveEmptyEntries);
}
