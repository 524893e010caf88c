using System.IO.Pipes;
using System.Text;

namespace Rtcr.Host;

/// <summary>
/// The control pipe of a running <c>rtcr run</c> or <c>rtcr restore</c>: accepts "checkpoint &lt;path&gt;"
/// lines and answers "ok &lt;path&gt;" or "error &lt;message&gt;"; a restore left stopped also accepts "resume". Local only (a Unix domain socket / named pipe), and only for
/// the user that runs this process: the pipe is created with <see cref="PipeOptions.CurrentUserOnly"/>,
/// which makes the socket owner-only and checks the connecting peer's user id. Every client is
/// served on its own, with a bounded request and a deadline on every read and write, so a silent,
/// flooding or vanishing client can neither block another nor stop the server.
/// </summary>
internal sealed class ControlServer : IDisposable
{
    /// <summary>Longest request line accepted.</summary>
    public const int MaxRequestBytes = 4096;

    private readonly CancellationTokenSource _stop = new();        // ends everything, clients included
    private readonly CancellationTokenSource _stopAccepting = new(); // ends only the accept loop
    private readonly List<Task> _serving = new();
    private readonly Task _loop;
    private readonly TimeSpan _clientTimeout;
    private readonly string _name;
    private int _clients;
    private readonly Func<string>? _resume;

    public ControlServer(string name, Func<string, string> checkpoint, TimeSpan? clientTimeout = null, Func<string>? resume = null)
    {
        _name = name;
        _resume = resume;
        _clientTimeout = clientTimeout ?? TimeSpan.FromSeconds(10);
        // Creating the first instance here, not in the loop, makes a name already taken fail now, in
        // the caller, instead of leaving a run that nobody can reach.
        RefuseIfTaken(name);
        var first = Create(name);
        _loop = Task.Run(() => AcceptLoop(first, checkpoint));
    }

    /// <summary>Fault injection (tests): asked before each reply is written.</summary>
    public Rtcr.Faults.IFaultInjector Faults { get; init; } = Rtcr.Faults.FaultInjector.None;

    /// <summary>Clients served so far (for tests).</summary>
    public int ClientsServed => Volatile.Read(ref _clients);

    private static void RefuseIfTaken(string name)
    {
        // Server instances of one name would share its clients (and a squatter's would receive them):
        // if anything answers under the name already, this run must not listen there too.
        using var probe = new NamedPipeClientStream(".", name, PipeDirection.InOut, PipeOptions.CurrentUserOnly);
        try
        {
            probe.Connect(TimeSpan.FromMilliseconds(50));
        }
        catch (TimeoutException)
        {
            return; // nobody listens: the name is free
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new InvalidOperationException($"control pipe '{name}' is held by another user; choose another name", ex);
        }
        catch (IOException)
        {
            return; // a stale socket of a process that is gone: nobody listens
        }
        throw new InvalidOperationException($"control pipe '{name}' is already taken (is another 'rtcr run --control {name}' running?)");
    }

    private static NamedPipeServerStream Create(string name)
    {
        try
        {
            return new NamedPipeServerStream(name, PipeDirection.InOut, NamedPipeServerStream.MaxAllowedServerInstances,
                PipeTransmissionMode.Byte, PipeOptions.Asynchronous | PipeOptions.CurrentUserOnly);
        }
        catch (IOException ex)
        {
            throw new InvalidOperationException($"control pipe '{name}' cannot be created (is another 'rtcr run --control {name}' running?): {ex.Message}", ex);
        }
    }

    private async Task AcceptLoop(NamedPipeServerStream next, Func<string, string> checkpoint)
    {
        while (true)
        {
            try
            {
                await next.WaitForConnectionAsync(_stopAccepting.Token);
            }
            catch (OperationCanceledException)
            {
                await next.DisposeAsync();
                return;
            }
            var connected = next;
            next = Create(_name);
            var serving = Task.Run(() => Serve(connected, checkpoint));
            lock (_serving)
            {
                _serving.RemoveAll(t => t.IsCompleted);
                _serving.Add(serving);
            }
        }
    }

    private async Task Serve(NamedPipeServerStream pipe, Func<string, string> checkpoint)
    {
        await using (pipe)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            deadline.CancelAfter(_clientTimeout);
            try
            {
                string? line = await ReadLine(pipe, deadline.Token);
                string reply = line switch
                {
                    null => $"error request longer than {MaxRequestBytes} bytes or not ended by a newline",
                    _ when line.StartsWith("checkpoint ", StringComparison.Ordinal) => Run(checkpoint, line["checkpoint ".Length..]),
                    "resume" when _resume is not null => Run(_ => _resume(), ""),
                    _ => $"error unknown request '{line}' (expected: checkpoint <path>{(_resume is null ? "" : " or resume")})",
                };
                Faults.Reach(Rtcr.Faults.FaultPoint.ControlReply, reply);
                await pipe.WriteAsync(Encoding.UTF8.GetBytes(reply + "\n"), deadline.Token);
                Interlocked.Increment(ref _clients);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
            {
                // The client went away, stayed silent past its deadline, or the server is stopping:
                // only this client's request ends; say so where the operator sees it.
                if (!_stop.IsCancellationRequested) Console.Error.WriteLine($"control '{_name}': a client was dropped: {ex.Message}");
            }
        }
    }

    private static string Run(Func<string, string> checkpoint, string path)
    {
        try
        {
            return "ok " + checkpoint(path);
        }
        catch (Exception ex)
        {
            return "error " + ex.Message.ReplaceLineEndings(" ");
        }
    }

    // Reads up to the first newline; null when the line would exceed MaxRequestBytes or the client
    // closed before sending one. Never buffers more than MaxRequestBytes.
    private static async Task<string?> ReadLine(Stream stream, CancellationToken cancel)
    {
        var buffer = new byte[MaxRequestBytes + 1];
        int length = 0;
        while (length < buffer.Length)
        {
            int n = await stream.ReadAsync(buffer.AsMemory(length, buffer.Length - length), cancel);
            if (n == 0) return null;
            int newline = Array.IndexOf(buffer, (byte)'\n', length, n);
            length += n;
            if (newline >= 0) return Encoding.UTF8.GetString(buffer, 0, newline).TrimEnd('\r');
        }
        return null;
    }

    public void Dispose()
    {
        // No new clients; those being served get their reply (a "resume" ends the run that owns this
        // server, and its client must still hear "ok"), bounded by their deadline.
        _stopAccepting.Cancel();
        Task[] serving;
        lock (_serving) serving = _serving.ToArray();
        Task.WaitAll(serving, _clientTimeout);
        _stop.Cancel();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException ex) when (ex.InnerExceptions.All(e => e is OperationCanceledException))
        {
            // The loop ends by cancellation; anything else propagates.
        }
        _stopAccepting.Dispose();
        _stop.Dispose();
    }
}
