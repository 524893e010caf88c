using System.IO.Hashing;
using System.Text;

namespace Rtcr.Checkpoint;

/// <summary>
/// A fingerprint of the session interfaces a registry records and the RPC-object interfaces of their
/// assemblies: services, restore order, and every <em>recorded</em> method's signature and recording
/// attributes. An image recorded under another schema is refused instead of misread. <c>[Query]</c> and
/// <c>[Captures]</c> methods are left out, and methods are taken in name order, so adding a query or
/// reordering methods keeps every older image restorable (docs/schema-compatibility.md).
/// </summary>
public static class SchemaId
{
    /// <summary>The fingerprint of a registry's session set.</summary>
    public static ulong Of(Recording.RecorderRegistry registry)
    {
        var sb = new StringBuilder();
        var assemblies = new SortedSet<string>(StringComparer.Ordinal);
        var rpcObjects = new List<Type>();
        foreach (var service in registry.Services.Order(StringComparer.Ordinal))
        {
            var replayer = registry.GetReplayer(service);
            Describe(sb, $"{service}:{replayer.RestoreOrder}", replayer.SessionInterface);
            if (assemblies.Add(replayer.SessionInterface.Assembly.FullName ?? ""))
                rpcObjects.AddRange(replayer.SessionInterface.Assembly.GetTypes().Where(t => t.IsInterface && t.IsDefined(typeof(RtcrRpcObjectAttribute), false)));
        }
        // The RPC objects sessions create are recorded and replayed too: their shape is part of the schema.
        foreach (var type in rpcObjects.OrderBy(t => t.FullName, StringComparer.Ordinal)) Describe(sb, "object", type);
        return XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(sb.ToString()));
    }

    private static void Describe(StringBuilder sb, string kind, Type type)
    {
        sb.Append(kind).Append(':').Append(type.FullName).Append('\n');
        foreach (var m in type.GetMethods().Where(IsRecorded).OrderBy(m => m.ToString(), StringComparer.Ordinal))
            sb.Append("  ").Append(m).Append(' ').Append(string.Join(",", m.GetCustomAttributesData().Select(a => a.ToString()).Order(StringComparer.Ordinal))).Append('\n');
    }

    // A query or capture changes nothing the image holds: it is not part of the schema.
    private static bool IsRecorded(System.Reflection.MethodInfo method) =>
        !method.IsDefined(typeof(QueryAttribute), false) && !method.IsDefined(typeof(CapturesAttribute), false);
}
