namespace Rtcr.Services;

/// <summary>
/// Arguments of a session request, as in Genode's session-argument string: a label, the RAM and
/// capability quota donated to the server, and service-specific extras (e.g. a ROM module name).
/// </summary>
public sealed record SessionArgs(string Label, long RamQuota, long CapQuota)
{
    /// <summary>Service-specific arguments, sorted by key so equal requests compare and serialize equally.</summary>
    public IReadOnlyDictionary<string, string> Extra { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    /// <summary>A copy with one extra argument set.</summary>
    public SessionArgs With(string key, string value)
    {
        var extra = new SortedDictionary<string, string>((IDictionary<string, string>)new Dictionary<string, string>(Extra), StringComparer.Ordinal) { [key] = value };
        return this with { Extra = extra };
    }

    /// <summary>An extra argument, or null.</summary>
    public string? Get(string key) => Extra.TryGetValue(key, out var v) ? v : null;

    /// <inheritdoc />
    public bool Equals(SessionArgs? other) =>
        other is not null && Label == other.Label && RamQuota == other.RamQuota && CapQuota == other.CapQuota &&
        Extra.Count == other.Extra.Count && Extra.All(kv => other.Extra.TryGetValue(kv.Key, out var v) && v == kv.Value);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Label, RamQuota, CapQuota, Extra.Count);

    /// <inheritdoc />
    public override string ToString() =>
        $"label=\"{Label}\", ram_quota={RamQuota}, cap_quota={CapQuota}" + string.Concat(Extra.Select(kv => $", {kv.Key}=\"{kv.Value}\""));
}
