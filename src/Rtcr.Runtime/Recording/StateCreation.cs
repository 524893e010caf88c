namespace Rtcr.Recording;

/// <summary>A recorded <c>[Creates]</c> call and the object it created.</summary>
public abstract record StateCreation : StateCall
{
    /// <summary>Describes the creation.</summary>
    /// <param name="method">The method's name as declared.</param>
    /// <param name="wireId">The id its calls are stored under.</param>
    /// <param name="argumentCount">How many arguments the call has.</param>
    /// <param name="interface">The simple name of the created object's interface.</param>
    /// <param name="badge">Badge of the created object when it was recorded.</param>
    /// <param name="sequence">Position among the client's recorded events.</param>
    /// <param name="nests">The created object records calls itself: its state follows the call (even when null).</param>
    protected StateCreation(string method, int wireId, int argumentCount, string @interface, long badge, long sequence, bool nests = false)
        : base(method, wireId, argumentCount)
    {
        Interface = @interface;
        Badge = badge;
        Sequence = sequence;
        Nests = nests;
    }

    /// <summary>The simple name of the created object's interface.</summary>
    public string Interface { get; }

    /// <summary>Badge of the created object when it was recorded.</summary>
    public long Badge { get; init; }

    /// <summary>Position among the client's recorded events (orders creations across sessions).</summary>
    public long Sequence { get; init; }

    /// <summary>Whether the created object records calls itself, so that its state follows the call.</summary>
    protected bool Nests { get; }

    /// <summary>The created object's own recorded state, when it <see cref="Nests"/> one.</summary>
    protected virtual RecordedState? Child => null;

    /// <summary>The canonical form of the created object.</summary>
    public ObjectRecord ToObjectRecord() =>
        new(Badge, Interface, ToRecord(StateFormat.CreationKey), Child?.SettingRecords() ?? [], Child?.ObjectRecords() ?? []);

    /// <inheritdoc />
    public override void Write(StateWriter writer)
    {
        base.Write(writer);
        writer.WriteInt64(Badge);
        writer.WriteInt64(Sequence);
        if (!Nests) return;
        writer.WriteBoolean(Child is not null);
        Child?.Write(writer);
    }
}
