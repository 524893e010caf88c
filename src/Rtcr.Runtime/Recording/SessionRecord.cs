using System.Text;
using Rtcr.Services;

namespace Rtcr.Recording;

/// <summary>
/// Canonical form of a recorded session, independent of how it was recorded (generated proxy or the
/// reflection fallback). Capability values appear as <c>cap:badge</c>.
/// </summary>
public sealed record SessionRecord(
    string Service,
    SessionArgs Args,
    long UpgradedRam,
    long UpgradedCaps,
    IReadOnlyList<RecordedCall> Settings,
    IReadOnlyList<ObjectRecord> Objects)
{
    /// <summary>A stable multi-line description; two records are equal when their descriptions are.</summary>
    public string Describe()
    {
        var sb = new StringBuilder();
        sb.Append("session ").Append(Service).Append(" (").Append(Args).Append(')');
        sb.Append(" upgraded ram=").Append(UpgradedRam).Append(" caps=").Append(UpgradedCaps).Append('\n');
        foreach (var call in Settings) sb.Append("  set ").Append(call).Append('\n');
        foreach (var obj in Objects) obj.Describe(sb, "  ");
        return sb.ToString();
    }
}

/// <summary>An RPC object created by a session, with its own recorded settings and children.</summary>
public sealed record ObjectRecord(
    long Badge,
    string Interface,
    RecordedCall Creation,
    IReadOnlyList<RecordedCall> Settings,
    IReadOnlyList<ObjectRecord> Objects)
{
    internal void Describe(StringBuilder sb, string indent)
    {
        sb.Append(indent).Append("object ").Append(Interface).Append(" badge=").Append(Badge).Append(" created by ").Append(Creation).Append('\n');
        foreach (var call in Settings) sb.Append(indent).Append("  set ").Append(call).Append('\n');
        foreach (var obj in Objects) obj.Describe(sb, indent + "  ");
    }
}

/// <summary>A recorded call: its record key, method and arguments rendered invariantly.</summary>
public sealed record RecordedCall(string Key, string Method, IReadOnlyList<string> Arguments)
{
    /// <inheritdoc />
    public override string ToString() => $"[{Key}] {Method}({string.Join(", ", Arguments)})";

    /// <summary>Renders an argument value the way both recorders must (capabilities as <c>cap:badge</c>).</summary>
    public static string Render(object? value) => value switch
    {
        null => "null",
        string s => "\"" + s + "\"",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "null",
    };

    /// <summary>Renders a capability argument recorded by badge.</summary>
    public static string RenderCap(long badge) => "cap:" + badge.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
