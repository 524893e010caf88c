using System.Diagnostics;

namespace Rtcr.EndToEnd.Tests.Harness;

/// <summary>Runs the built <c>rtcr</c> CLI in a new process (the "new process" restore mode).</summary>
internal static class Cli
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public IReadOnlyList<string> LogLines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith('[')).Select(l => l.TrimEnd('\r')).ToArray();

        public string? Digest => Stdout.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("memory digest: ", StringComparison.Ordinal))?["memory digest: ".Length..];
    }

    /// <summary>Starts <c>rtcr</c> with redirected output (the caller waits for it and disposes it).</summary>
    public static Process Start(params string[] args) => Start(environment: null, args);

    /// <summary>Starts <c>rtcr</c> with extra environment variables (e.g. <c>RTCR_INJECT_FAULTS</c>).</summary>
    public static Process Start(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "rtcr.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["NO_COLOR"] = "1";
        // The CLI finds the adversarial test components in this assembly (ComponentCatalog in Rtcr.Host).
        psi.Environment["RTCR_COMPONENTS"] = typeof(Cli).Assembly.Location;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) psi.Environment[key] = value;
        return Process.Start(psi)!;
    }

    public static Result Run(params string[] args)
    {
        using var p = Start(args);
        return Finish(p, args);
    }

    /// <summary>Waits (at most 2 minutes) for a started <c>rtcr</c> and collects its output.</summary>
    public static Result Finish(Process p, params string[] args)
    {
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"rtcr {string.Join(' ', args)} did not finish within 2 minutes");
        }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    public static Result RunOk(params string[] args)
    {
        var r = Run(args);
        Assert.True(r.ExitCode == 0, $"rtcr {string.Join(' ', args)} exited {r.ExitCode}\nstdout:\n{r.Stdout}\nstderr:\n{r.Stderr}");
        return r;
    }
}
