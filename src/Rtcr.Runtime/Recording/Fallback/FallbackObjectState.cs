namespace Rtcr.Recording.Fallback;

/// <summary>A recorded call: the method and its arguments (capabilities as badges).</summary>
internal sealed record FallbackCall(FallbackMethod Method, object?[] Arguments)
{
    public RecordedCall ToRecord(string key) =>
        new(key, Method.Method.Name, Arguments.Select((a, i) => FallbackValues.Render(a, Method.CapTargets[i] is not null)).ToList());

    public void Write(StateWriter writer)
    {
        writer.WriteInt32(Method.Index);
        for (int i = 0; i < Arguments.Length; i++)
            FallbackValues.Write(writer, Method.ParameterTypes[i], Method.CapTargets[i] is not null, Arguments[i]);
    }

    public static FallbackCall Read(FallbackShape shape, ref StateReader reader)
    {
        int index = reader.ReadInt32();
        if ((uint)index >= (uint)shape.Methods.Count)
            throw new StateFormatException($"unknown recorded method {index} of {shape.Interface.Name}");
        var method = shape.Methods[index];
        var arguments = new object?[method.ParameterTypes.Length];
        for (int i = 0; i < arguments.Length; i++)
            arguments[i] = FallbackValues.Read(ref reader, method.ParameterTypes[i], method.CapTargets[i] is not null);
        return new FallbackCall(method, arguments);
    }
}

/// <summary>A created object: its creation call, badge, position among the client's events, and its own state.</summary>
internal sealed record FallbackCreation(FallbackCall Call, long Badge, long Sequence, FallbackObjectState? Object)
{
    public ObjectRecord ToRecord() => new(Badge, Call.Method.Created!.Name, Call.ToRecord("creates"),
        Object?.SettingRecords() ?? [], Object?.ObjectRecords() ?? []);
}

/// <summary>Recorded state of one session or RPC object: latest call per key, created objects, hook bytes.</summary>
internal sealed class FallbackObjectState(FallbackShape shape)
{
    public FallbackShape Shape { get; } = shape;
    public List<(string Key, FallbackCall Call)> Settings { get; } = new();
    public List<FallbackCreation> Objects { get; } = new();
    public byte[]? HookState { get; set; }

    public IReadOnlyList<RecordedCall> SettingRecords() => Settings.Select(s => s.Call.ToRecord(s.Key)).ToList();

    public IReadOnlyList<ObjectRecord> ObjectRecords() => Objects.Select(o => o.ToRecord()).ToList();

    public void Write(StateWriter writer)
    {
        writer.WriteInt32(Settings.Count);
        foreach (var (key, call) in Settings)
        {
            writer.WriteString(key);
            call.Write(writer);
        }
        writer.WriteInt32(Objects.Count);
        foreach (var o in Objects)
        {
            o.Call.Write(writer);
            writer.WriteInt64(o.Badge);
            writer.WriteInt64(o.Sequence);
            writer.WriteBoolean(o.Object is not null);
            o.Object?.Write(writer);
        }
        writer.WriteBoolean(HookState is not null);
        if (HookState is not null) writer.WriteBytes(HookState);
    }

    public static FallbackObjectState Read(FallbackShape shape, ref StateReader reader)
    {
        var state = new FallbackObjectState(shape);
        int settings = Count(ref reader);
        for (int i = 0; i < settings; i++)
        {
            string key = reader.ReadRequiredString();
            state.Settings.Add((key, FallbackCall.Read(shape, ref reader)));
        }
        int objects = Count(ref reader);
        for (int i = 0; i < objects; i++)
        {
            var call = FallbackCall.Read(shape, ref reader);
            if (call.Method.Created is null) throw new StateFormatException($"{shape.Interface.Name}.{call.Method.Method.Name} does not create objects");
            long badge = reader.ReadInt64(), sequence = reader.ReadInt64();
            var child = reader.ReadBoolean() ? Read(FallbackShape.Of(call.Method.Created), ref reader) : null;
            state.Objects.Add(new FallbackCreation(call, badge, sequence, child));
        }
        if (reader.ReadBoolean()) state.HookState = reader.ReadBytes().ToArray();
        return state;
    }

    private static int Count(ref StateReader reader)
    {
        int count = reader.ReadInt32();
        return count >= 0 ? count : throw new StateFormatException($"negative element count {count}");
    }
}
