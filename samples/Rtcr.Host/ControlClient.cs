using System.IO.Pipes;

namespace Rtcr.Host;

/// <summary>
/// Sends one request line to a <see cref="ControlServer"/> under one deadline for the whole exchange
/// (connecting, sending, waiting for the answer) and returns the text after "ok ".
/// </summary>
internal static class ControlClient
{
    public static string Request(string control, string request, int timeoutSeconds, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(timeoutSeconds));
        using var pipe = new NamedPipeClientStream(".", control, PipeDirection.InOut, PipeOptions.Asynchronous | PipeOptions.CurrentUserOnly);
        string reply;
        try
        {
            pipe.ConnectAsync(deadline.Token).GetAwaiter().GetResult();
            pipe.WriteAsync(System.Text.Encoding.UTF8.GetBytes(request + "\n"), deadline.Token).AsTask().GetAwaiter().GetResult();
            using var reader = new StreamReader(pipe, leaveOpen: true);
            reply = reader.ReadLineAsync(deadline.Token).AsTask().GetAwaiter().GetResult() ?? "error the component closed the pipe";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new InvalidOperationException($"no answer from 'rtcr run/restore --control {control}' within {timeoutSeconds} s");
        }
        if (!reply.StartsWith("ok ", StringComparison.Ordinal))
            throw new InvalidOperationException(reply.StartsWith("error ", StringComparison.Ordinal) ? reply[6..] : $"unexpected reply '{reply}'");
        return reply[3..];
    }
}
