namespace Rtcr.Recording;

/// <summary>
/// The part of every generated state model that does not vary per interface: the latest call per key, the
/// created objects, hook-captured state, their serialization and their canonical form. A generated state adds
/// its interface's <see cref="RecordedInterface"/> and the reader of its calls.
/// </summary>
public abstract class RecordedState
{
    /// <summary>Reads one call; generated per interface (a switch over its wire ids).</summary>
    public delegate StateCall CallParser(ref CallReader call);

    /// <summary>The latest call per key, in the order the keys were first set.</summary>
    public List<StateSetting> Settings { get; } = new();

    /// <summary>The live objects created through this interface, in creation order.</summary>
    public List<StateCreation> Objects { get; } = new();

    /// <summary>What the interface's state hook captured, or null (no hook, or before a capture).</summary>
    public byte[]? HookState { get; set; }

    /// <summary>The canonical form of <see cref="Settings"/>.</summary>
    public IReadOnlyList<RecordedCall> SettingRecords() => StateFormat.Records(Settings, static s => s.Call.ToRecord(s.Key));

    /// <summary>The canonical form of <see cref="Objects"/>, in creation order.</summary>
    public IReadOnlyList<ObjectRecord> ObjectRecords() => StateFormat.Records(Objects, static o => o.ToObjectRecord());

    /// <summary>Serializes the state (read back by the generated <c>Read</c>).</summary>
    public virtual void Write(StateWriter writer)
    {
        StateFormat.WriteObjectHeader(writer);
        WriteBody(writer);
    }

    /// <summary>Writes settings, objects and hook state (format 2: all three always present).</summary>
    protected void WriteBody(StateWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteInt32(Settings.Count);
        foreach (var setting in Settings)
        {
            writer.WriteString(setting.Key);
            setting.Call.Write(writer);
        }
        writer.WriteInt32(Objects.Count);
        foreach (var creation in Objects) creation.Write(writer);
        writer.WriteBoolean(HookState is not null);
        if (HookState is not null) writer.WriteBytes(HookState);
    }

    // Room for a count read from the state, but no more than its remaining bytes can hold (a recorded call
    // takes at least 5 of them: its wire id and argument count): a crafted count allocates no more than that.
    private static int Plausible(int count, in StateReader reader) => Math.Min(count, reader.Remaining / 5);

    /// <summary>Reads what <see cref="WriteBody"/> (or format 1) wrote.</summary>
    /// <param name="reader">The state's bytes, after its header.</param>
    /// <param name="layout">The format the header named.</param>
    /// <param name="shape">The interface's recorded methods.</param>
    /// <param name="parse">Reads one call of the interface.</param>
    /// <param name="hasHook">Whether the interface has a state hook (format 1 stored its state only then).</param>
    /// <exception cref="StateFormatException">The data is truncated, corrupt, or holds calls this build cannot read.</exception>
    protected void ReadBody(ref StateReader reader, StateLayout layout, RecordedInterface shape, CallParser parse, bool hasHook)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(parse);
        if (layout.IsTagged || layout.HasSettings)
        {
            int settings = StateFormat.ReadCount(ref reader, shape.Name);
            Settings.EnsureCapacity(Plausible(settings, reader));
            for (int i = 0; i < settings; i++)
            {
                string key = reader.ReadRequiredString();
                var call = new CallReader(reader, layout, shape.Name);
                Settings.Add(new StateSetting(key, parse(ref call)));
                call.Rest(); // refuses arguments the method no longer has
                reader = call.Reader;
            }
        }
        if (layout.IsTagged || layout.HasObjects)
        {
            int objects = StateFormat.ReadCount(ref reader, shape.Name);
            Objects.EnsureCapacity(Plausible(objects, reader));
            for (int i = 0; i < objects; i++)
            {
                var call = new CallReader(reader, layout, shape.Name);
                Objects.Add(parse(ref call) as StateCreation ?? throw new StateFormatException($"a recorded object was not created by a [Creates] method of {shape.Name}"));
                call.Rest();
                reader = call.Reader;
            }
        }
        if ((layout.IsTagged || hasHook) && reader.ReadBoolean())
        {
            var bytes = reader.ReadBytes();
            // A hook removed since the checkpoint leaves state nothing restores.
            if (hasHook) HookState = bytes.ToArray();
        }
    }
}
