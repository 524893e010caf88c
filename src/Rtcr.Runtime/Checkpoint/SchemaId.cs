using System.IO.Hashing;
using System.Text;

namespace Rtcr.Checkpoint;

/// <summary>
/// A fingerprint of the session interfaces a registry records: services, restore order and every
/// method signature. An image recorded under another schema is refused instead of misread.
/// </summary>
public static class SchemaId
{
    /// <summary>The fingerprint of a registry's session set.</summary>
    public static ulong Of(Recording.RecorderRegistry registry)
    {
        var sb = new StringBuilder();
        foreach (var service in registry.Services.Order(StringComparer.Ordinal))
        {
            var replayer = registry.GetReplayer(service);
            sb.Append(service).Append(':').Append(replayer.RestoreOrder).Append(':').Append(replayer.SessionInterface.FullName).Append('\n');
            foreach (var m in replayer.SessionInterface.GetMethods().OrderBy(m => m.ToString(), StringComparer.Ordinal))
                sb.Append("  ").Append(m).Append('\n');
        }
        return XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(sb.ToString()));
    }
}
