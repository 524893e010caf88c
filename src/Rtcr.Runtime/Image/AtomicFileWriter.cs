using System.Runtime.InteropServices;
using Rtcr.Faults;

namespace Rtcr.Image;

/// <summary>
/// A file written atomically piece by piece (<see cref="AtomicFile.Create"/>): appended bytes go straight
/// into a temporary file next to the final name (no buffer of the whole content), <see cref="Flush"/> puts
/// them on the device, <see cref="Commit"/> renames the file to its final name and flushes the directory.
/// On Linux the kernel is asked to start writing every few MiB back as they are appended
/// (<c>sync_file_range</c>), so that the final flush only waits for the tail. Not thread-safe, except that
/// <see cref="Flush"/> may run on another thread once the last <see cref="Append"/> returned.
/// </summary>
public sealed partial class AtomicFileWriter : IDisposable
{
    // Large enough that the hint costs nothing per append, small enough that little is left for the final flush.
    private const long WriteBehindBytes = 8L << 20;
    private const uint SyncFileRangeWrite = 2; // SYNC_FILE_RANGE_WRITE: start writeback, do not wait

    private readonly FileStream _file;
    private readonly IFaultInjector _faults;
    private long _written;
    private long _handedToWriteback;
    private bool _flushed;
    private bool _committed;
    private bool _writeBehind = OperatingSystem.IsLinux();

    internal AtomicFileWriter(string full, IFaultInjector faults)
    {
        _faults = faults;
        Path = full;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        TempPath = AtomicFile.TempPathFor(full);
        // Created exclusively (a planted symlink is never followed); others may read it (the content can be
        // checked before the commit) but no other writer may open it, and TempFiles leaves it alone.
        // No buffer: callers append large pieces, each goes to the kernel at once.
        _file = new FileStream(TempPath, FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 0);
    }

    /// <summary>The final name.</summary>
    public string Path { get; }

    /// <summary>The temporary file the bytes are written to until the commit.</summary>
    public string TempPath { get; }

    /// <summary>Bytes appended so far.</summary>
    public long Length => _written;

    /// <summary>Appends <paramref name="bytes"/> to the temporary file.</summary>
    /// <exception cref="IOException">The write failed.</exception>
    /// <exception cref="InvalidOperationException">The file was committed already.</exception>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (_committed) throw new InvalidOperationException($"'{Path}' was committed already");
        try
        {
            _faults.Reach(FaultPoint.ImageWrite, _written);
            _file.Write(bytes);
        }
        catch (IOException ex)
        {
            throw AtomicFile.Failed("writing", Path, ex);
        }
        _written += bytes.Length;
        _flushed = false;
        if (_writeBehind && _written - _handedToWriteback >= WriteBehindBytes) StartWriteback();
    }

    /// <summary>Puts everything appended so far on the device (<c>fsync</c>).</summary>
    /// <exception cref="IOException">The flush failed.</exception>
    public void Flush()
    {
        try
        {
            _faults.Reach(FaultPoint.ImageFlush, TempPath);
            _file.Flush(flushToDisk: true);
        }
        catch (IOException ex)
        {
            throw AtomicFile.Failed("flushing to disk", Path, ex);
        }
        _flushed = true;
    }

    /// <summary>
    /// Flushes what was not flushed yet, renames the temporary file to <see cref="Path"/> (replacing a file
    /// there) and flushes the directory: once it returns, the file is durable under its final name.
    /// </summary>
    /// <exception cref="IOException">Flushing or renaming failed (the previous file is untouched), or flushing the directory failed (the new file is in place).</exception>
    public void Commit()
    {
        if (_committed) throw new InvalidOperationException($"'{Path}' was committed already");
        if (!_flushed) Flush();
        _file.Dispose();
        string step = "renaming the finished file to its name";
        try
        {
            AtomicFile.Publish(TempPath, Path, _faults, ref step);
            _committed = true;
        }
        catch (IOException ex)
        {
            if (step == "flushing the directory") _committed = true;
            throw AtomicFile.Failed(step, Path, ex);
        }
    }

    /// <summary>Closes the file; without a commit the temporary file is deleted and the final name untouched.</summary>
    public void Dispose()
    {
        _file.Dispose();
        if (!_committed && File.Exists(TempPath)) File.Delete(TempPath);
    }

    // Asks the kernel to write the bytes appended since the last hint back now, while more arrive. Only a
    // hint: when the call is refused (another file system, a seccomp filter) the hints stop and the final
    // Flush writes everything, reporting any real write error.
    private void StartWriteback()
    {
        var handle = _file.SafeFileHandle;
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            if (SyncFileRange((int)handle.DangerousGetHandle(), _handedToWriteback, _written - _handedToWriteback, SyncFileRangeWrite) != 0) _writeBehind = false;
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
        _handedToWriteback = _written;
    }

    [LibraryImport("libc", EntryPoint = "sync_file_range", SetLastError = true)]
    private static partial int SyncFileRange(int fd, long offset, long count, uint flags);
}
