using System.IO.Pipes;

namespace Rtcr.Host;

/// <summary>
/// The control pipe of a running <c>rtcr run</c> or <c>rtcr restore</c>: accepts "checkpoint &lt;path&gt;"
/// lines and answers "ok &lt;path&gt;" or "error &lt;message&gt;"; a restore left stopped also accepts
/// "resume". Local only (a named pipe / Unix domain socket).
/// </summary>
internal sealed class ControlServer : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public ControlServer(string name, Func<string, string> checkpoint, Func<string>? resume = null)
    {
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                await using var pipe = new NamedPipeServerStream(name, PipeDirection.InOut, 1, PipeTransmissionMode.Byte, PipeOptions.Asynchronous);
                try
                {
                    await pipe.WaitForConnectionAsync(_stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                using var reader = new StreamReader(pipe, leaveOpen: true);
                await using var writer = new StreamWriter(pipe, leaveOpen: true) { AutoFlush = true };
                string? line = await reader.ReadLineAsync(_stop.Token);
                string reply;
                if (line is not null && line.StartsWith("checkpoint ", StringComparison.Ordinal))
                {
                    try
                    {
                        reply = "ok " + checkpoint(line["checkpoint ".Length..]);
                    }
                    catch (Exception ex)
                    {
                        reply = "error " + ex.Message.ReplaceLineEndings(" ");
                    }
                }
                else if (line == "resume" && resume is not null) reply = "ok " + resume();
                else reply = $"error unknown request '{line}' (expected: checkpoint <path>{(resume is null ? "" : " or resume")})";
                await writer.WriteLineAsync(reply);
            }
        });
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException ex) when (ex.InnerExceptions.All(e => e is OperationCanceledException))
        {
            // The loop ends by cancellation; anything else propagates.
        }
        _stop.Dispose();
    }
}
