using Rtcr.Services;

namespace Rtcr.Recording;

/// <summary>
/// The parts of a generated state model's format that do not vary per interface — the session header
/// (service, schema, creation arguments, upgrades), element counts and the canonical record lists — so
/// that generated code holds only what differs (as System.Text.Json's generated code calls
/// <c>JsonMetadataServices</c>). Changing anything here changes every session's wire format: the golden
/// image test (docs/schema-compatibility.md) guards it.
/// </summary>
public static class StateFormat
{
    /// <summary>Writes a session state's header: service, schema, creation arguments and upgrades.</summary>
    public static void WriteSessionHeader(StateWriter writer, string service, int schema, SessionArgs args, long upgradedRam, long upgradedCaps)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(args);
        writer.WriteString(service);
        writer.WriteInt32(schema);
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

    /// <summary>Reads what <see cref="WriteSessionHeader"/> wrote, checking service and schema.</summary>
    /// <param name="reader">The state's bytes.</param>
    /// <param name="service">The service this state model records.</param>
    /// <param name="schema">This build's schema of the interface.</param>
    /// <param name="interfaceName">The interface, for error messages.</param>
    /// <param name="upgradedRam">RAM quota added by upgrades.</param>
    /// <param name="upgradedCaps">Capability quota added by upgrades.</param>
    /// <returns>The session's creation arguments.</returns>
    /// <exception cref="StateFormatException">The state is of another service or schema, truncated or corrupt.</exception>
    public static SessionArgs ReadSessionHeader(ref StateReader reader, string service, int schema, string interfaceName, out long upgradedRam, out long upgradedCaps)
    {
        string found = reader.ReadRequiredString();
        if (found != service) throw new StateFormatException($"expected the state of a {service} session, found one of '{found}'");
        ReadSchema(ref reader, schema, interfaceName);
        var args = new SessionArgs(reader.ReadRequiredString(), reader.ReadInt64(), reader.ReadInt64());
        int extras = ReadCount(ref reader, interfaceName);
        for (int i = 0; i < extras; i++) args = args.With(reader.ReadRequiredString(), reader.ReadRequiredString());
        upgradedRam = reader.ReadInt64();
        upgradedCaps = reader.ReadInt64();
        return args;
    }

    /// <summary>Reads a schema and refuses another one than <paramref name="schema"/>.</summary>
    /// <exception cref="StateFormatException">The state was recorded for another shape of the interface.</exception>
    public static void ReadSchema(ref StateReader reader, int schema, string interfaceName)
    {
        int found = reader.ReadInt32();
        if (found != schema)
            throw new StateFormatException($"the state was recorded for another version of {interfaceName} (schema {found}, this build has {schema})");
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
