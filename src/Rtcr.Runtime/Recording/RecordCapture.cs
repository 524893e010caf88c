namespace Rtcr.Recording;

/// <summary>
/// What a generated recorder's <c>Capture</c> collects inside its gate — settings with their first-set
/// order, created objects and upgrades — and turns into a state outside it, where the created objects'
/// recorders can take their own gates.
/// </summary>
public sealed class RecordCapture
{
    private readonly List<(long Order, StateSetting Setting)> _settings = new();
    private readonly List<(StateCreation Call, object? Recorder)> _objects = new();
    private long _upgradedRam;
    private long _upgradedCaps;

    /// <summary>Adds a setting.</summary>
    /// <param name="order">Its position in first-set order.</param>
    /// <param name="key">Its key.</param>
    /// <param name="call">The latest call that set it.</param>
    public void Add(long order, string key, StateCall call) => _settings.Add((order, new StateSetting(key, call)));

    /// <summary>Adds a live created object.</summary>
    /// <param name="call">The creating call.</param>
    /// <param name="recorder">The object's recorder, if it records calls itself.</param>
    public void AddObject(StateCreation call, object? recorder) => _objects.Add((call, recorder));

    /// <summary>Sets the session's recorded upgrades.</summary>
    /// <param name="ram">RAM quota added by upgrades.</param>
    /// <param name="caps">Capability quota added by upgrades.</param>
    public void Upgrade(long ram, long caps)
    {
        _upgradedRam = ram;
        _upgradedCaps = caps;
    }

    /// <summary>
    /// Fills <paramref name="state"/>: settings in first-set order, objects in creation order (each passed
    /// through <paramref name="nest"/> when it has a recorder, to capture the object's own state), upgrades.
    /// </summary>
    /// <param name="state">The state being captured.</param>
    /// <param name="nest">Attaches a created object's captured state to its creation; null when no created object records calls.</param>
    public void CopyTo(RecordedState state, Func<StateCreation, object, StateCreation>? nest = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        _settings.Sort(static (a, b) => a.Order.CompareTo(b.Order));
        foreach (var (_, setting) in _settings) state.Settings.Add(setting);
        _objects.Sort(static (a, b) => a.Call.Sequence.CompareTo(b.Call.Sequence));
        foreach (var (call, recorder) in _objects) state.Objects.Add(nest is null || recorder is null ? call : nest(call, recorder));
        if (state is RecordedSessionState session)
        {
            session.UpgradedRam = _upgradedRam;
            session.UpgradedCaps = _upgradedCaps;
        }
    }
}
