using System.Diagnostics;

namespace Rtcr.Node.Tests.Harness;

/// <summary>Runs the built <c>rtcr</c> CLI in a new process, killed if it outlives <see cref="NodeProcess.Patience"/>.</summary>
internal static class Cli
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
    }

    public static Result Run(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "rtcr.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["NO_COLOR"] = "1";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(NodeProcess.Patience))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"rtcr {string.Join(' ', args)} did not finish within {NodeProcess.Patience.TotalSeconds} s");
        }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }
}
