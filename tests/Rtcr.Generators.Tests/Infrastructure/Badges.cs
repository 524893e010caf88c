using System.Globalization;
using Rtcr.Recording;

namespace Rtcr.Generators.Tests.Infrastructure;

/// <summary>Rewrites the badges of a record made after a restore back to the badges they replaced.</summary>
internal static class Badges
{
    public static SessionRecord ToOld(SessionRecord record, IReadOnlyDictionary<long, long> oldToNew)
    {
        var newToOld = oldToNew.ToDictionary(kv => kv.Value, kv => kv.Key);
        return record with
        {
            Settings = record.Settings.Select(c => Map(c, newToOld)).ToList(),
            Objects = record.Objects.Select(o => Map(o, newToOld)).ToList(),
        };
    }

    private static ObjectRecord Map(ObjectRecord o, Dictionary<long, long> newToOld) => o with
    {
        Badge = newToOld.GetValueOrDefault(o.Badge, -o.Badge),
        Creation = Map(o.Creation, newToOld),
        Settings = o.Settings.Select(c => Map(c, newToOld)).ToList(),
        Objects = o.Objects.Select(c => Map(c, newToOld)).ToList(),
    };

    private static RecordedCall Map(RecordedCall call, Dictionary<long, long> newToOld) => call with
    {
        Key = MapText(call.Key, newToOld),
        Arguments = call.Arguments.Select(a => MapText(a, newToOld)).ToList(),
    };

    private static string MapText(string text, Dictionary<long, long> newToOld)
    {
        int at = text.IndexOf("cap:", StringComparison.Ordinal);
        if (at < 0) return text;
        long badge = long.Parse(text.AsSpan(at + 4), CultureInfo.InvariantCulture);
        return badge == 0 ? text : text[..(at + 4)] + newToOld.GetValueOrDefault(badge, -badge).ToString(CultureInfo.InvariantCulture);
    }
}
