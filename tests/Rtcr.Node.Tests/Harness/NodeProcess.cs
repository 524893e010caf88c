using System.Diagnostics;
using System.Text.RegularExpressions;
using Rtcr.Node.Transport;

namespace Rtcr.Node.Tests.Harness;

/// <summary>
/// An <c>rtcr node</c> agent in its own process on loopback, on a free port it picks itself (port 0,
/// read back from its first line). Its stdout lines are collected; disposing kills it.
/// </summary>
internal sealed partial class NodeProcess : IDisposable
{
    /// <summary>How long any wait in these tests may take before it fails.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly List<string> _lines = new();
    private readonly List<string> _errors = new();
    private readonly Lock _lock = new();

    private NodeProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public string Address { get; private set; } = "";

    public bool HasExited => _process.HasExited;

    /// <summary>The agent's image directory (kept across a restart).</summary>
    public string Images { get; private init; } = "";

    /// <summary>Starts an agent and waits until it listens; its images go to a directory of its own next to the token file.</summary>
    /// <param name="name">The node's name.</param>
    /// <param name="tokenFile">The cluster's token file.</param>
    /// <param name="listen">Where to listen (a restarted node listens where it did before).</param>
    /// <param name="extra">More options.</param>
    public static NodeProcess Start(string name, string tokenFile, string listen, params string[] extra)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "rtcr.dll"));
        string images = Path.Combine(Path.GetDirectoryName(tokenFile)!, "images-" + name);
        foreach (var a in new[] { "node", "--listen", listen, "--name", name, "--token-file", tokenFile, "--plain", "--images", images }.Concat(extra))
            psi.ArgumentList.Add(a);
        psi.Environment["NO_COLOR"] = "1";
        var node = new NodeProcess(name, Process.Start(psi)!) { Images = images };
        node._process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (node._lock) node._lines.Add(e.Data);
        };
        node._process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (node._lock) node._errors.Add(e.Data);
        };
        node._process.BeginOutputReadLine();
        node._process.BeginErrorReadLine();
        try
        {
            var line = node.WaitForLine(l => l.Contains(" listening on ", StringComparison.Ordinal), "the agent to listen");
            node.Address = line[(line.IndexOf(" listening on ", StringComparison.Ordinal) + " listening on ".Length)..].Trim();
        }
        catch
        {
            node.Dispose();
            throw;
        }
        return node;
    }

    public NodeConnection Connect(NodeToken? token, ClientTls? tls = null) => new(Address, token, tls);

    /// <summary>The port the agent listens on.</summary>
    public int Port => new Uri(Address).Port;

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lock) return _lines.ToArray();
        }
    }

    public string Errors
    {
        get
        {
            lock (_lock) return string.Join('\n', _errors);
        }
    }

    /// <summary>The sheep counts this node printed for <paramref name="component"/>, in order.</summary>
    public IReadOnlyList<long> Sheep(string component = "sheep_counter") =>
        Lines.Select(l => SheepLine().Match(l)).Where(m => m.Success && m.Groups[1].Value == Name && m.Groups[2].Value == component)
            .Select(m => long.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    public string WaitForLine(Func<string, bool> match, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < Patience)
        {
            var hit = Lines.FirstOrDefault(match);
            if (hit is not null) return hit;
            if (_process.HasExited) break;
            Thread.Sleep(20);
        }
        throw new TimeoutException($"node {Name} (exited: {_process.HasExited}) did not show {what}\nstdout:\n{string.Join('\n', Lines.TakeLast(30))}\nstderr:\n{Errors}");
    }

    /// <summary>Waits until <paramref name="condition"/> holds, failing cleanly after <see cref="Patience"/>.</summary>
    public static void WaitUntil(Func<bool> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > Patience) throw new TimeoutException($"gave up waiting for {what}");
            Thread.Sleep(20);
        }
    }

    public bool WaitForExit(TimeSpan timeout) => _process.WaitForExit(timeout);

    /// <summary>SIGKILLs the agent, like a crash (the object stays usable for its collected output and a restart).</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    [GeneratedRegex(@"^\[(.+?)\] \[(.+?)\] (\d+) sheep\. zzZ$")]
    private static partial Regex SheepLine();

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
        _process.Dispose();
    }
}
