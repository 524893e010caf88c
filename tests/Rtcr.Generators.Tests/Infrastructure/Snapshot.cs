using System.Runtime.CompilerServices;

namespace Rtcr.Generators.Tests.Infrastructure;

/// <summary>
/// Snapshot checks in the conventions of Verify: <c>Snapshots/{Class}.{Method}#{HintName}.verified.cs</c> (or the hint's own
/// extension, <c>.txt</c> for diagnostics) next
/// to the test; on a mismatch the actual text is written to a <c>.received.cs</c> file and the test fails.
/// Set <c>RTCR_ACCEPT_SNAPSHOTS=1</c> to accept (overwrite the verified files).
/// </summary>
internal static class Snapshot
{
    public static void Verify(string hintName, string actual, [CallerFilePath] string testFile = "", [CallerMemberName] string method = "")
    {
        string extension = Path.GetExtension(hintName);
        string directory = Path.Combine(Path.GetDirectoryName(testFile)!, "Snapshots");
        string stem = $"{Path.GetFileNameWithoutExtension(testFile)}.{method}#{Path.GetFileNameWithoutExtension(hintName)}";
        string verified = Path.Combine(directory, stem + ".verified" + extension);
        string received = Path.Combine(directory, stem + ".received" + extension);
        actual = actual.Replace("\r\n", "\n");

        if (Environment.GetEnvironmentVariable("RTCR_ACCEPT_SNAPSHOTS") == "1")
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(verified, actual);
            if (File.Exists(received)) File.Delete(received);
            return;
        }

        string? expected = File.Exists(verified) ? File.ReadAllText(verified).Replace("\r\n", "\n") : null;
        if (expected == actual)
        {
            if (File.Exists(received)) File.Delete(received);
            return;
        }
        Directory.CreateDirectory(directory);
        File.WriteAllText(received, actual);
        Assert.Fail(expected is null
            ? $"No verified snapshot {verified}.\nThe generated source was written to {received}; review it and accept with RTCR_ACCEPT_SNAPSHOTS=1."
            : $"Generated source differs from {verified} at line {FirstDifference(expected, actual)}.\n" +
              $"Compare: diff {verified} {received}\nAccept with RTCR_ACCEPT_SNAPSHOTS=1 if the change is intended.");
    }

    private static int FirstDifference(string expected, string actual)
    {
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        for (int i = 0; i < Math.Min(a.Length, b.Length); i++)
            if (a[i] != b[i]) return i + 1;
        return Math.Min(a.Length, b.Length) + 1;
    }
}
