using System.Text.RegularExpressions;

namespace Rtcr.Image;

/// <summary>
/// Removes the temporary files that writers killed midway left in a directory (<see cref="AtomicFile"/>'s
/// <c>.&lt;name&gt;.&lt;32 hex digits&gt;.tmp</c>, nothing else). A file another process is still writing is
/// left alone: the writer holds it open without sharing, so opening it for exclusive access fails, and a
/// file changed in the last minute is skipped too (a writer between creating the file and locking it, on a machine so loaded that this takes long).
/// </summary>
public static partial class TempFiles
{
    /// <summary>How recently a temporary file may have changed and still be taken for a live writer's.</summary>
    public static readonly TimeSpan LiveWriterGrace = TimeSpan.FromMinutes(1);

    [GeneratedRegex(@"^\..+\.[0-9a-f]{32}\.tmp$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    /// <summary>Whether <paramref name="fileName"/> has the temporary files' pattern.</summary>
    public static bool IsTempName(string fileName) => Pattern().IsMatch(fileName);

    /// <summary>Deletes leftover temporary files in <paramref name="directory"/>; returns the names deleted.</summary>
    /// <param name="directory">An image directory (nothing happens when it does not exist).</param>
    /// <param name="now">The time to compare modification times with (UTC); the current time when null.</param>
    public static IReadOnlyList<string> CleanUp(string directory, DateTime? now = null)
    {
        var removed = new List<string>();
        if (!Directory.Exists(directory)) return removed;
        var cutoff = (now ?? DateTime.UtcNow) - LiveWriterGrace;
        foreach (var path in Directory.EnumerateFiles(directory, ".*" + AtomicFile.TempSuffix))
        {
            var name = Path.GetFileName(path);
            var info = new FileInfo(path);
            // Our own pattern only; never a symlink (its target is not ours) and never a file still being written.
            if (!IsTempName(name) || info.LinkTarget is not null || info.LastWriteTimeUtc > cutoff) continue;
            try
            {
                using (new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None)) { }
                File.Delete(path);
                removed.Add(name);
            }
            catch (IOException)
            {
                // Held by a live writer (or gone already): not ours to remove.
            }
        }
        return removed;
    }
}
