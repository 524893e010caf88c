using Rtcr.Services;

namespace Rtcr.Recording;

/// <summary>
/// The parts of a generated state model's format that do not vary per interface — the session header
/// (service, format, creation arguments, upgrades), element counts and the canonical record lists — so
/// that generated code holds only what differs (as System.Text.Json's generated code calls
/// <c>JsonMetadataServices</c>). Changing anything here changes every session's wire format: the golden
/// image test (docs/schema-compatibility.md) guards it.
/// </summary>
public static class StateFormat
{
    /// <summary>The key a creation call has in the canonical record.</summary>
    public const string CreationKey = "creates";

    /// <summary>
    /// Marks a state of format 2 (self-describing calls) where format 1 stored the hash of the interface's
    /// recorded shape. A format-1 hash equal to it (odds 1 in 2^32) would be read as format 2 and fail.
    /// </summary>
    public const int TaggedFormat = unchecked((int)0x8052_4332);

    /// <summary>Writes a session state's header: service, format, creation arguments and upgrades.</summary>
    public static void WriteSessionHeader(StateWriter writer, string service, SessionArgs args, long upgradedRam, long upgradedCaps)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(args);
        writer.WriteString(service);
        writer.WriteInt32(TaggedFormat);
        writer.WriteString(args.Label);
        writer.WriteInt64(args.RamQuota);
        writer.WriteInt64(args.CapQuota);
        writer.WriteInt32(args.Extra.Count);
        foreach (var extra in args.Extra)
        {
            writer.WriteString(extra.Key);
            writer.WriteString(extra.Value);
        }
        writer.WriteInt64(upgradedRam);
        writer.WriteInt64(upgradedCaps);
    }

    /// <summary>Writes an RPC object state's header: its format.</summary>
    public static void WriteObjectHeader(StateWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteInt32(TaggedFormat);
    }

    /// <summary>Reads what <see cref="WriteSessionHeader"/> (or format 1) wrote, checking the service and finding the format.</summary>
    /// <param name="reader">The state's bytes.</param>
    /// <param name="service">The service this state model records.</param>
    /// <param name="shape">This build's recorded methods of the interface.</param>
    /// <param name="upgradedRam">RAM quota added by upgrades.</param>
    /// <param name="upgradedCaps">Capability quota added by upgrades.</param>
    /// <param name="layout">How the state's calls are laid out.</param>
    /// <returns>The session's creation arguments.</returns>
    /// <exception cref="StateFormatException">The state is of another service, of a shape this build cannot read, truncated or corrupt.</exception>
    public static SessionArgs ReadSessionHeader(ref StateReader reader, string service, RecordedInterface shape, out long upgradedRam, out long upgradedCaps, out StateLayout layout)
    {
        string found = reader.ReadRequiredString();
        if (found != service) throw new StateFormatException($"expected the state of a {service} session, found one of '{found}'");
        layout = ReadObjectHeader(ref reader, shape);
        var args = new SessionArgs(reader.ReadRequiredString(), reader.ReadInt64(), reader.ReadInt64());
        int extras = ReadCount(ref reader, shape.Name);
        for (int i = 0; i < extras; i++) args = args.With(reader.ReadRequiredString(), reader.ReadRequiredString());
        upgradedRam = reader.ReadInt64();
        upgradedCaps = reader.ReadInt64();
        return args;
    }

    /// <summary>Reads an RPC object state's header (<see cref="WriteObjectHeader"/>, or format 1's shape hash).</summary>
    /// <exception cref="StateFormatException">A format-1 state of a shape that no allowed change leads from to this build's.</exception>
    public static StateLayout ReadObjectHeader(ref StateReader reader, RecordedInterface shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        int found = reader.ReadInt32();
        if (found == TaggedFormat) return StateLayout.Tagged;
        return shape.LegacyLayout(found)
            ?? throw new StateFormatException($"the state was recorded (format 1, shape {found}) for a version of {shape.Name} this build cannot read: a recorded method was removed or changed, not only added to (docs/schema-compatibility.md)");
    }

    /// <summary>Reads an element count.</summary>
    /// <exception cref="StateFormatException">The count is negative.</exception>
    public static int ReadCount(ref StateReader reader, string interfaceName)
    {
        int count = reader.ReadInt32();
        return count >= 0 ? count : throw new StateFormatException($"negative element count {count} in a {interfaceName} state");
    }

    /// <summary>The canonical form of a list of recorded items (settings or created objects), in list order.</summary>
    public static IReadOnlyList<TRecord> Records<TItem, TRecord>(List<TItem> items, Func<TItem, TRecord> toRecord)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(toRecord);
        var records = new List<TRecord>(items.Count);
        foreach (var item in items) records.Add(toRecord(item));
        return records;
    }
}
