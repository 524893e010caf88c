using Rtcr.Services;

namespace Rtcr.Recording;

/// <summary>
/// Per service name: how to put a recording proxy in front of a session object, and how to replay its
/// state. Generated code registers every annotated session here; the parent consults it.
/// </summary>
public sealed class RecorderRegistry
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    private sealed record Entry(Func<object, RecordingContext, SessionArgs, object> Wrap, ISessionReplayer Replayer);

    /// <summary>Registers a service.</summary>
    /// <exception cref="InvalidOperationException">The service name is registered already (two sessions of one name would
    /// silently share, or lose, their recorder).</exception>
    public void Register(ISessionReplayer replayer, Func<object, RecordingContext, SessionArgs, object> wrap)
    {
        ArgumentNullException.ThrowIfNull(replayer);
        ArgumentNullException.ThrowIfNull(wrap);
        if (_entries.TryGetValue(replayer.Service, out var existing))
            throw new InvalidOperationException(
                $"service '{replayer.Service}' is registered already (by {existing.Replayer.SessionInterface.FullName}); " +
                $"{replayer.SessionInterface.FullName} needs a service name of its own");
        _entries.Add(replayer.Service, new Entry(wrap, replayer));
    }

    /// <summary>Services registered.</summary>
    public IReadOnlyCollection<string> Services => _entries.Keys;

    /// <summary>Wraps a session object in its recorder; false when the service is not registered.</summary>
    public bool TryWrap(string service, object session, RecordingContext context, SessionArgs args, out object recorder)
    {
        if (_entries.TryGetValue(service, out var entry))
        {
            recorder = entry.Wrap(session, context, args);
            return true;
        }
        recorder = session;
        return false;
    }

    /// <summary>The replayer of a service.</summary>
    /// <exception cref="KeyNotFoundException">The service has no registered replayer.</exception>
    public ISessionReplayer GetReplayer(string service) =>
        _entries.TryGetValue(service, out var e) ? e.Replayer
        : throw new KeyNotFoundException($"no replayer is registered for service '{service}' (registered: {string.Join(", ", _entries.Keys.Order())})");
}
