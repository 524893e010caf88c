using System.Globalization;
using Rtcr.Recording;
using Rtcr.Services;

namespace Rtcr.Checkpoint;

/// <summary>
/// Every image a checkpoint writes must be restorable. A recorded call (a creation or a setting) whose
/// capability argument names an object that was destroyed since, or that no recorded session of the
/// child created, could not be replayed; the checkpoint refuses with an error naming the call while
/// the original still runs, instead of writing an image no restore can use.
/// </summary>
internal static class ReferenceCheck
{
    private const string CapPrefix = "cap:";

    public static void Verify(string child, IReadOnlyList<SessionRecord> records, IReadOnlyDictionary<long, object> created, IReadOnlyList<SessionEntry> sessions)
    {
        var known = new HashSet<long>(created.Keys);
        foreach (var s in sessions) known.Add(s.Badge);
        for (int i = 0; i < records.Count; i++)
        {
            string where = $"session '{sessions[i].Service}' ({sessions[i].Args.Label})";
            foreach (var call in records[i].Settings) Check(child, where, call, known, created);
            foreach (var obj in records[i].Objects) CheckObject(child, where, obj, known, created);
        }
    }

    private static void CheckObject(string child, string where, ObjectRecord obj, HashSet<long> known, IReadOnlyDictionary<long, object> created)
    {
        string inner = $"{where}, object {obj.Interface} {obj.Badge}";
        Check(child, where, obj.Creation, known, created);
        foreach (var call in obj.Settings) Check(child, inner, call, known, created);
        foreach (var nested in obj.Objects) CheckObject(child, inner, nested, known, created);
    }

    private static void Check(string child, string where, RecordedCall call, HashSet<long> known, IReadOnlyDictionary<long, object> created)
    {
        foreach (var argument in call.Arguments)
        {
            if (!argument.StartsWith(CapPrefix, StringComparison.Ordinal)
                || !long.TryParse(argument.AsSpan(CapPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out long badge)
                || badge == 0 || known.Contains(badge)) continue;
            throw new CheckpointException(
                $"checkpoint of '{child}' refused: {where} recorded {call}, which names object {badge}; that object was destroyed or was not created by a recorded session of '{child}', " +
                "so no restore could replay the call. The child is unchanged; reset the setting (or keep the object) before checkpointing.");
        }
    }
}
