using System.Runtime.InteropServices;
using Rtcr.Faults;

namespace Rtcr.Image;

/// <summary>
/// Makes the entries of a directory durable. A file that was flushed to disk and then renamed (or a file or
/// directory that was created or deleted) is only safe from a power loss once its directory is flushed too:
/// until then the rename lives in the page cache and a crash of the machine may undo it. .NET has no API for
/// that (<see cref="File.OpenHandle"/> refuses directories), so on Linux the directory is opened read-only and
/// <c>fsync</c>ed through libc; elsewhere it is a no-op (Windows makes metadata changes durable with the
/// file system's journal, and other systems are not targeted).
/// </summary>
public static partial class DurableDirectory
{
    private const int ReadOnly = 0; // O_RDONLY
    private const int CloseOnExec = 0x80000; // O_CLOEXEC (the same value on x86-64 and arm64)

    /// <summary>Flushes the entries of <paramref name="directory"/> to disk.</summary>
    /// <param name="directory">The directory whose entries changed.</param>
    /// <param name="faults">Fault injection at <see cref="FaultPoint.DirectorySync"/> (tests); <see cref="FaultInjector.None"/> when null.</param>
    /// <exception cref="IOException">The directory cannot be opened or flushed.</exception>
    public static void Sync(string directory, IFaultInjector? faults = null)
    {
        string full = Path.GetFullPath(directory);
        (faults ?? FaultInjector.None).Reach(FaultPoint.DirectorySync, full);
        if (!OperatingSystem.IsLinux()) return;
        int fd = Open(full, ReadOnly | CloseOnExec);
        if (fd < 0) throw new IOException($"cannot open directory '{full}' to flush it: {Marshal.GetLastPInvokeErrorMessage()}");
        try
        {
            if (Fsync(fd) != 0) throw new IOException($"flushing directory '{full}' to disk failed: {Marshal.GetLastPInvokeErrorMessage()}");
        }
        finally
        {
            Close(fd);
        }
    }

    /// <summary>
    /// Creates <paramref name="directory"/> (and its missing parents) and flushes each new entry, so that the
    /// directory survives a power loss once the call returns.
    /// </summary>
    /// <param name="directory">The directory to create.</param>
    /// <param name="faults">Fault injection at <see cref="FaultPoint.DirectorySync"/> (tests).</param>
    /// <exception cref="IOException">Creating or flushing failed.</exception>
    public static void Create(string directory, IFaultInjector? faults = null)
    {
        string full = Path.GetFullPath(directory);
        if (Directory.Exists(full)) return;
        string? parent = Path.GetDirectoryName(full);
        if (parent is not null) Create(parent, faults);
        Directory.CreateDirectory(full);
        if (parent is not null) Sync(parent, faults);
    }

    /// <summary>
    /// Deletes <paramref name="directory"/> with everything in it (nothing happens when it does not exist)
    /// and flushes its parent, so that the deletion survives a power loss once the call returns.
    /// </summary>
    /// <param name="directory">The directory to delete.</param>
    /// <param name="faults">Fault injection at <see cref="FaultPoint.DirectorySync"/> (tests).</param>
    /// <exception cref="IOException">Deleting or flushing failed.</exception>
    public static void Delete(string directory, IFaultInjector? faults = null)
    {
        string full = Path.GetFullPath(directory);
        if (!Directory.Exists(full)) return;
        Directory.Delete(full, recursive: true);
        if (Path.GetDirectoryName(full) is { } parent) Sync(parent, faults);
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
