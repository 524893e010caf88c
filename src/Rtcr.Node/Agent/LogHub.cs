using System.Threading.Channels;
using Rtcr.Node.Protos;

namespace Rtcr.Node.Agent;

/// <summary>
/// Fans the LOG lines of a node's components out to every subscriber (each <c>StreamLogs</c> call). A
/// subscriber that cannot keep up loses its oldest lines rather than stalling the component that logs.
/// </summary>
public sealed class LogHub
{
    private const int BufferedLines = 10_000;
    private readonly Lock _lock = new();
    private readonly List<Channel<LogLine>> _subscribers = new();

    /// <summary>Sends a line to every subscriber.</summary>
    public void Publish(LogLine line)
    {
        lock (_lock)
            foreach (var s in _subscribers) s.Writer.TryWrite(line);
    }

    /// <summary>Subscribes; dispose the returned handle to stop.</summary>
    public Subscription Subscribe()
    {
        var channel = Channel.CreateBounded<LogLine>(new BoundedChannelOptions(BufferedLines) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (_lock) _subscribers.Add(channel);
        return new Subscription(this, channel);
    }

    /// <summary>One subscriber's lines.</summary>
    public sealed class Subscription(LogHub hub, Channel<LogLine> channel) : IDisposable
    {
        /// <summary>The lines, in the order they were written.</summary>
        public ChannelReader<LogLine> Lines => channel.Reader;

        /// <inheritdoc />
        public void Dispose()
        {
            lock (hub._lock) hub._subscribers.Remove(channel);
            channel.Writer.TryComplete();
        }
    }
}
