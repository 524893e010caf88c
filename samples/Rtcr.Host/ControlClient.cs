using System.IO.Pipes;

namespace Rtcr.Host;

/// <summary>Sends one request line to a <see cref="ControlServer"/> and returns the text after "ok ".</summary>
internal static class ControlClient
{
    public static string Request(string control, string request, int timeoutSeconds)
    {
        using var pipe = new NamedPipeClientStream(".", control, PipeDirection.InOut);
        try
        {
            pipe.Connect(TimeSpan.FromSeconds(timeoutSeconds));
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"no 'rtcr run' or 'rtcr restore' with --control {control} answered within {timeoutSeconds} s");
        }
        using var writer = new StreamWriter(pipe, leaveOpen: true) { AutoFlush = true };
        using var reader = new StreamReader(pipe, leaveOpen: true);
        writer.WriteLine(request);
        string reply = reader.ReadLine() ?? "error the component closed the pipe";
        if (reply.StartsWith("ok ", StringComparison.Ordinal)) return reply[3..];
        throw new InvalidOperationException(reply.StartsWith("error ", StringComparison.Ordinal) ? reply[6..] : reply);
    }
}
