namespace Rtcr.Node.Migration;

/// <summary>
/// Writes a file so that after a crash at any moment the path holds either its old content (or
/// nothing) or the complete new content, and the new content is on disk before the call returns:
/// a temporary file in the same directory, flushed to the device, then renamed over the path.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically and durably.</summary>
    public static void Write(string path, ReadOnlySpan<byte> bytes)
    {
        string temp = path + ".tmp-" + Environment.ProcessId;
        try
        {
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                file.Write(bytes);
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>Writes <paramref name="text"/> (UTF-8) to <paramref name="path"/> atomically and durably.</summary>
    public static void Write(string path, string text) => Write(path, System.Text.Encoding.UTF8.GetBytes(text));
}
