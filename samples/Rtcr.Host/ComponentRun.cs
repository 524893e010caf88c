using Rtcr.Sessions;
using Spectre.Console;

namespace Rtcr.Host;

/// <summary>One component run by the CLI: a host, the child, LOG lines printed as they come.</summary>
internal sealed class ComponentRun(IComponentProgram program, string config, bool virtualTime) : IDisposable
{
    private readonly ComponentHost _host = new(
        virtualTime ? ExecutionMode.Deterministic : ExecutionMode.Threaded,
        log: new CollectingLogSink((label, text) => AnsiConsole.MarkupLineInterpolated($"[grey][[{label}]][/] {text}")));

    public ComponentHost Host => _host;

    public Child Start() => _host.Start(program, config);

    /// <summary>Runs until <paramref name="ticks"/> ticks or <paramref name="durationMicroseconds"/> have passed.</summary>
    public Child Run(long? ticks, long? durationMicroseconds, CancellationToken cancel)
    {
        var child = Start();
        if (virtualTime)
        {
            if (ticks is long n) _host.RunTicks(child, n);
            else _host.Kernel.Advance(durationMicroseconds ?? 0);
        }
        else
        {
            using var done = new ManualResetEventSlim();
            if (ticks is long n)
            {
                _host.TickCompleted += _ => { if (_host.Ticks(child) >= n) done.Set(); };
                if (_host.Ticks(child) >= n) done.Set();
                WaitHandle.WaitAny([done.WaitHandle, cancel.WaitHandle]);
            }
            else cancel.WaitHandle.WaitOne(TimeSpan.FromMicroseconds(durationMicroseconds ?? 0));
            child.Env.Domain.Freeze();
            if (child.Env.Entrypoint.Failure is { } failure) throw new InvalidOperationException($"'{child.Label}' failed", failure);
        }
        return child;
    }

    public void Dispose() => _host.Dispose();
}
