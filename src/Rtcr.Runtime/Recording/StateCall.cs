namespace Rtcr.Recording;

/// <summary>
/// A recorded call in a generated state model: the method's arguments as they were recorded (capabilities by
/// badge). The format — wire id, argument count, tagged arguments — and the canonical form are the same for
/// every interface, so they live here; a generated call type says only which method it is and how its
/// arguments are written, read and rendered.
/// </summary>
public abstract record StateCall
{
    /// <summary>Describes the call's method.</summary>
    /// <param name="method">The method's name as declared.</param>
    /// <param name="wireId">The id its calls are stored under.</param>
    /// <param name="argumentCount">How many arguments <see cref="WriteArguments"/> writes.</param>
    protected StateCall(string method, int wireId, int argumentCount)
    {
        Method = method;
        WireId = wireId;
        ArgumentCount = argumentCount;
    }

    /// <summary>The method's name as declared.</summary>
    public string Method { get; }

    /// <summary>The id calls of the method are stored under (<see cref="WireNameAttribute"/>).</summary>
    public int WireId { get; }

    /// <summary>How many arguments <see cref="WriteArguments"/> writes.</summary>
    protected int ArgumentCount { get; }

    /// <summary>Writes the arguments, each tagged with its <see cref="WireType"/> (none by default).</summary>
    protected virtual void WriteArguments(StateWriter writer)
    {
    }

    /// <summary>The arguments rendered as <see cref="RecordedCall.Render"/> does (none by default).</summary>
    protected virtual string[] RenderArguments() => [];

    /// <summary>The canonical form, recorded under <paramref name="key"/>.</summary>
    public RecordedCall ToRecord(string key) => new(key, Method, RenderArguments());

    /// <summary>Serializes the call (read back by the generated state's call parser).</summary>
    public virtual void Write(StateWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteCall(WireId, ArgumentCount);
        WriteArguments(writer);
    }
}
