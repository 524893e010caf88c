using System.Net;
using System.Net.Sockets;

namespace Rtcr.Node.Tests.Harness;

/// <summary>
/// Forwards TCP connections from a loopback port of its own to another port, byte for byte, until
/// <see cref="Cut"/>: then every forwarded connection is reset and new ones are refused, as when the network
/// between two nodes breaks.
/// </summary>
internal sealed class TcpProxy : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly List<Socket> _sockets = new();
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _cut = new();
    private readonly Task _accepting;

    public TcpProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The proxy's address, in the form agents are dialled.</summary>
    public string Address => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptSocketAsync(_cut.Token);
                var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await server.ConnectAsync(IPAddress.Loopback, _targetPort, _cut.Token);
                lock (_lock)
                {
                    _sockets.Add(client);
                    _sockets.Add(server);
                }
                _ = PumpAsync(client, server);
                _ = PumpAsync(server, client);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Cut (or the target went away): no more connections.
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int n;
            while ((n = await from.ReceiveAsync(buffer, _cut.Token)) > 0) await to.SendAsync(buffer.AsMemory(0, n), _cut.Token);
            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The connection was cut or closed by one side.
        }
    }

    /// <summary>Resets every forwarded connection and refuses new ones.</summary>
    public void Cut()
    {
        _cut.Cancel();
        _listener.Stop();
        lock (_lock)
        {
            foreach (var s in _sockets)
            {
                // Linger 0: close with a reset, as a broken network looks to both ends.
                s.LingerState = new LingerOption(true, 0);
                s.Close();
            }
            _sockets.Clear();
        }
        _accepting.Wait(NodeProcess.Patience);
    }

    public void Dispose()
    {
        if (!_cut.IsCancellationRequested) Cut();
        _cut.Dispose();
    }
}
