using Rtcr.Capabilities;

namespace Rtcr.Recording;

/// <summary>
/// What every generated recording proxy shares, so that the generated class holds only what differs per
/// interface — its methods, the fields of its constant keys and how it captures them — as System.Text.Json's
/// generated code leaves the common work to <c>JsonMetadataServices</c>. Keyed settings and created objects
/// are kept here; every <c>Record…</c>/<c>Forget…</c> member is called inside <see cref="_gate"/>.
/// </summary>
/// <remarks>
/// The protected members are fields and helpers of generated code, not an extension point. Their names are
/// reserved by the generator: an interface method of one of those names is implemented explicitly, and a
/// parameter of one of those names makes the generated code reach the member through <c>this</c>.
/// </remarks>
/// <typeparam name="T">The recorded interface.</typeparam>
public abstract class Recorder<T> : IInterposed where T : class
{
    /// <summary>The real object; every call is forwarded to it.</summary>
    protected readonly T _inner;

    /// <summary>The client whose capabilities the calls carry.</summary>
    protected readonly RecordingContext _context;

    /// <summary>
    /// Guards every recorded field, of this class and of the generated one, and the forwarded call with it, so
    /// that racing calls leave the record equal to the object's state; <c>[Query]</c> and <c>[Captures]</c> calls
    /// never take it.
    /// </summary>
    protected RecordGate _gate;

    /// <summary>
    /// The last position handed out in first-set order; a constant key takes <c>++_nextOrder</c> when it is first
    /// set. A field rather than a method, so that a recorded call's code stays small enough to be inlined.
    /// </summary>
    protected long _nextOrder;
    private Dictionary<string, KeyedSetting>? _settings;
    private Dictionary<long, Created>? _objects;

    /// <summary>Puts a recorder in front of <paramref name="inner"/>.</summary>
    /// <param name="inner">The real object; every call is forwarded to it.</param>
    /// <param name="context">The client whose capabilities the calls carry.</param>
    protected Recorder(T inner, RecordingContext context)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        _context = context ?? throw new ArgumentNullException(nameof(context));
    }

    /// <summary>The object behind the recorder (hooks capture it, not the recorder).</summary>
    public T Inner => _inner;

    object IInterposed.Inner => _inner;

    /// <summary>Records the latest call of a keyed setting; a key keeps the position it was first set at.</summary>
    /// <param name="key">The key, extended by its argument or result.</param>
    /// <param name="call">The call that set it.</param>
    protected void RecordSetting(string key, StateCall call)
    {
        var settings = _settings ??= new Dictionary<string, KeyedSetting>(StringComparer.Ordinal);
        long order = settings.TryGetValue(key, out var existing) ? existing.Order : ++_nextOrder;
        settings[key] = new KeyedSetting(order, call);
    }

    /// <summary>Forgets a keyed setting (<c>[Unsets]</c>).</summary>
    /// <param name="key">The key as <see cref="RecordSetting"/> got it.</param>
    protected void ForgetSetting(string key) => _settings?.Remove(key);

    /// <summary>
    /// Whether a creation's result needs no record: the invalid capability (badge 0), or an object recorded
    /// already — some methods hand out the same object on every call (a PD's address space).
    /// </summary>
    /// <param name="badge">The badge of the created object.</param>
    protected bool IsRecorded(long badge) => badge == 0 || (_objects?.ContainsKey(badge) ?? false);

    /// <summary>Records a created object in creation order.</summary>
    /// <param name="badge">Its badge.</param>
    /// <param name="call">The creating call.</param>
    /// <param name="recorder">For objects that record calls themselves, their recorder (captured with the creation).</param>
    protected void RecordCreation(long badge, StateCreation call, object? recorder) =>
        (_objects ??= new Dictionary<long, Created>()).Add(badge, new Created(call, recorder));

    /// <summary>
    /// Makes room for <paramref name="count"/> more created objects at once: a replay knows how many it
    /// recreates, and growing the table by doubling left a trail of large arrays (collected only by gen2
    /// collections) behind a restore of 100 k objects.
    /// </summary>
    internal void ReserveCreations(int count)
    {
        // Not Enter: the restoring thread must not become the gate's biased owner ahead of the child's own threads.
        using (_gate.EnterToCapture())
        {
            var objects = _objects ??= new Dictionary<long, Created>(count);
            objects.EnsureCapacity(objects.Count + count);
        }
    }

    /// <summary>Forgets a destroyed object (<c>[Destroys]</c>).</summary>
    /// <param name="badge">Its badge, read before the destroying call (afterwards the capability may name nothing).</param>
    protected void ForgetCreation(long badge) => _objects?.Remove(badge);

    /// <summary>
    /// Puts a recorder in front of a created object, so that every holder of the capability reaches the
    /// recorder and calls on the object are recorded too; an object that is a recorder already is kept.
    /// </summary>
    /// <param name="cap">The created object's capability.</param>
    /// <param name="badge">Its badge.</param>
    /// <param name="wrap">Creates the object's recorder.</param>
    /// <returns>The object's recorder.</returns>
    protected TRecorder Interpose<TObject, TRecorder>(Cap<TObject> cap, long badge, Func<TObject, RecordingContext, TRecorder> wrap)
        where TObject : class
        where TRecorder : class, TObject
    {
        ArgumentNullException.ThrowIfNull(wrap);
        var created = _context.Resolve(cap);
        if (created is TRecorder recorder) return recorder;
        recorder = wrap(created, _context);
        _context.Interpose(badge, recorder);
        return recorder;
    }

    /// <summary>Adds what this class recorded to <paramref name="capture"/>; call inside <see cref="RecordGate.EnterToCapture"/>.</summary>
    /// <param name="capture">The capture being collected.</param>
    protected virtual void TakeRecorded(RecordCapture capture)
    {
        ArgumentNullException.ThrowIfNull(capture);
        if (_settings is not null)
            foreach (var setting in _settings) capture.Add(setting.Value.Order, setting.Key, setting.Value.Call);
        if (_objects is not null)
            foreach (var created in _objects.Values) capture.AddObject(created.Call, created.Recorder);
    }

    /// <summary>Runs a state hook on the real object (the recorder sees only calls) and returns what it wrote.</summary>
    /// <param name="hook">The interface's <see cref="CapturedByAttribute"/> hook.</param>
    protected byte[] CaptureHook(IStateHook<T> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        var writer = new StateWriter();
        hook.Capture(_inner, writer);
        return writer.ToArray();
    }

    private readonly record struct KeyedSetting(long Order, StateCall Call);

    private readonly record struct Created(StateCreation Call, object? Recorder);
}
