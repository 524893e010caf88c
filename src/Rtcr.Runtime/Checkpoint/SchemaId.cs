using System.IO.Hashing;
using System.Text;

namespace Rtcr.Checkpoint;

/// <summary>
/// A fingerprint of the session interfaces a registry records and the RPC-object interfaces of their
/// assemblies: services, restore order, and every <em>recorded</em> method's signature and recording
/// attributes. Images carry it (and <c>rtcr inspect</c> shows it), but it is not what decides whether an image
/// can be restored: every session state says that itself, so an image of another schema id restores as long
/// as each of its states is readable by this build (docs/schema-compatibility.md).
/// </summary>
public static class SchemaId
{
    // Computing the id reflects over every interface (0.5-0.9 ms): once per registry and service
    // count, not in every checkpoint's pause. A registry only ever gains services.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Recording.RecorderRegistry, Tuple<int, ulong>> s_known = new();

    /// <summary>The fingerprint of a registry's session set (computed once per registry and set of services).</summary>
    public static ulong Of(Recording.RecorderRegistry registry)
    {
        int services = registry.Services.Count;
        if (s_known.TryGetValue(registry, out var known) && known.Item1 == services) return known.Item2;
        ulong id = Compute(registry);
        s_known.AddOrUpdate(registry, Tuple.Create(services, id));
        return id;
    }

    private static ulong Compute(Recording.RecorderRegistry registry)
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
