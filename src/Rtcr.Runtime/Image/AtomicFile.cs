using Rtcr.Faults;

namespace Rtcr.Image;

/// <summary>
/// Writes a file so that its final name holds either the old content or the whole new one, never a part:
/// into a temporary file <c>.&lt;name&gt;.&lt;random&gt;.tmp</c> in the same directory (created exclusively, so a
/// symlink planted under that name is never followed), flushed to disk, then renamed over the final name
/// (a rename replaces a symlink at the final name instead of writing through it), and the directory flushed
/// (<see cref="DurableDirectory.Sync"/>), so that the rename survives a power loss once the call returns. A
/// failure deletes the temporary file and leaves the previous file untouched; a process killed midway leaves
/// only the temporary file, which <see cref="TempFiles.CleanUp"/> removes later. <see cref="Create"/> does the
/// same for a file written piece by piece as its bytes arrive.
/// </summary>
public static class AtomicFile
{
    /// <summary>Suffix of every temporary file (see <see cref="TempFiles"/>).</summary>
    public const string TempSuffix = ".tmp";

    /// <summary>Writes <paramref name="path"/> atomically with what <paramref name="body"/> puts into the stream.</summary>
    /// <param name="path">The final file.</param>
    /// <param name="body">Writes the content.</param>
    /// <param name="faults">Fault injection (tests); <see cref="FaultInjector.None"/> when null.</param>
    /// <exception cref="IOException">Writing, flushing, renaming or flushing the directory failed; the message says which and what is left at the final name.</exception>
    public static void Write(string path, Action<Stream> body, IFaultInjector? faults = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        faults ??= FaultInjector.None;
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        string temp = TempPathFor(full);
        string step = "writing";
        try
        {
            // A small buffer (below the large-object threshold, so it is not left for a full GC to free):
            // image writers hand large raw slices straight through, past it.
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024))
            {
                using var stream = ReferenceEquals(faults, FaultInjector.None) ? null : new FaultingStream(file, faults);
                body(stream ?? (Stream)file);
                step = "flushing to disk";
                faults.Reach(FaultPoint.ImageFlush, temp);
                file.Flush(flushToDisk: true);
            }
            step = "renaming the finished file to its name";
            Publish(temp, full, faults, ref step);
        }
        catch (IOException ex)
        {
            throw Failed(step, full, ex);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Writes <paramref name="text"/> (UTF-8) to <paramref name="path"/> atomically.</summary>
    /// <param name="path">The final file.</param>
    /// <param name="text">The content.</param>
    /// <param name="faults">Fault injection (tests).</param>
    public static void WriteAllText(string path, string text, IFaultInjector? faults = null) =>
        Write(path, s => s.Write(System.Text.Encoding.UTF8.GetBytes(text)), faults);

    /// <summary>
    /// Starts writing <paramref name="path"/> atomically piece by piece: the bytes go into a temporary file
    /// as they are appended, and only <see cref="AtomicFileWriter.Commit"/> (flush, rename, flush of the
    /// directory) puts them under the final name. Disposing the writer without a commit deletes the
    /// temporary file.
    /// </summary>
    /// <param name="path">The final file.</param>
    /// <param name="faults">Fault injection (tests); <see cref="FaultInjector.None"/> when null.</param>
    /// <exception cref="IOException">The temporary file cannot be created.</exception>
    public static AtomicFileWriter Create(string path, IFaultInjector? faults = null) => new(Path.GetFullPath(path), faults ?? FaultInjector.None);

    internal static string TempPathFor(string full) =>
        Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}{TempSuffix}");

    // The last two steps of every atomic write: the flushed temporary file takes the final name, and the
    // directory is flushed so that the new name is on disk too.
    internal static void Publish(string temp, string full, IFaultInjector faults, ref string step)
    {
        faults.Reach(FaultPoint.ImageRename, full);
        File.Move(temp, full, overwrite: true);
        step = "flushing the directory";
        DurableDirectory.Sync(Path.GetDirectoryName(full)!, faults);
    }

    internal static IOException Failed(string step, string full, IOException ex)
    {
        string left = step == "flushing the directory"
            ? "the new file is in place, but a power loss may still undo its rename"
            : File.Exists(full) ? "the previous file there is untouched" : "no file was written";
        return new IOException($"{step} '{full}' failed: {ex.Message}; {left}", ex);
    }
}
