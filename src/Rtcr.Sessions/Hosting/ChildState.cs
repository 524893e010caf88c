using System.Globalization;
using System.IO.Hashing;
using System.Text;
using Rtcr.Memory;

namespace Rtcr.Sessions;

/// <summary>
/// The visible state of a child, as CRIU's zdtm compares a process before and after restore:
/// capability space (index → object type and session), region maps and their attachments, quotas,
/// dataspace digests, thread registers, pending timers and signals, clock. Badges are left out
/// (restore gives new ones); everything else must be equal. <see cref="Dump"/> is a canonical text
/// form, so states from different processes compare as strings.
/// </summary>
public static class ChildState
{
    /// <summary>The canonical dump of a child's visible state.</summary>
    public static string Dump(ComponentHost host, Child child)
    {
        var pd = child.Env.Domain;
        var objects = pd.Kernel.Objects;
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.Append(inv, $"child {child.Label} program {child.Program.Name} clock {pd.Kernel.Clock.NowMicroseconds}\n");

        var sessionsByBadge = child.Sessions.ToDictionary(s => s.Badge);
        foreach (var (index, badge) in pd.Caps.Snapshot())
        {
            string type = objects.TryGet(badge, out var obj) ? SessionInspector.Instance.Describe(obj) : "stale";
            string session = sessionsByBadge.TryGetValue(badge, out var entry) ? $" session {entry.Service} \"{entry.Args.Label}\" ram={entry.Args.RamQuota} caps={entry.Args.CapQuota}" : "";
            string content = obj is not null && SessionInspector.Instance.MemoryOf(obj)?.ContentRam is { IsFreed: false } ram
                ? $" ram {ram.Size} digest {XxHash64.HashToUInt64(ram.GetSpan(0, (int)ram.Size)):x16}" : "";
            sb.Append(inv, $"cap {index}: {type}{session}{content}\n");
        }

        var q = pd.Quota.Snapshot();
        sb.Append(inv, $"pd quota ram {q.RamUsed}/{q.RamLimit} caps {q.CapUsed}/{q.CapLimit}\n");
        var ram0 = child.Env.Ram;
        sb.Append(inv, $"env RAM session quota {ram0.Used()}/{ram0.Quota()}\n");

        DumpRegionMap(sb, pd.Memory?.Root, "", new HashSet<RegionMap>());

        foreach (var t in pd.Threads)
        {
            var r = t.GetState();
            sb.Append(inv, $"thread {t.Name} started={t.IsStarted} paused={t.IsPaused} finished={t.IsFinished} wake={t.WakeAtMicroseconds} ip={r.Ip} sp={r.Sp} r=[{r.R0},{r.R1},{r.R2},{r.R3},{r.R4},{r.R5},{r.R6},{r.R7}]\n");
        }
        foreach (var timer in host.TimersOf(pd))
        {
            var (due, period, created) = timer.Pending;
            sb.Append(inv, $"timer due={due} period={period} created={created} handler={timer.Handler?.Handler ?? "-"}\n");
        }
        foreach (var (context, count) in child.Env.Entrypoint.PendingSignals())
            sb.Append(inv, $"pending signal {context.Handler} x{count}\n");
        return sb.ToString();
    }

    private static void DumpRegionMap(StringBuilder sb, RegionMap? map, string indent, HashSet<RegionMap> seen)
    {
        if (map is null || !seen.Add(map)) return;
        var inv = CultureInfo.InvariantCulture;
        sb.Append(inv, $"{indent}region map {map.Size:x} fault={map.State().Type} handler={map.FaultHandler?.Handler ?? "-"}\n");
        foreach (var a in map.Attachments)
        {
            // A tracked dataspace is RAM to the child; its designated dataspaces are the parent's business.
            string what = a.Dataspace switch
            {
                RamDataspace or Tracking.TrackedDataspace => $"ram {a.Dataspace.Size}",
                ManagedDataspace m => $"managed {m.Size:x}",
                _ => a.Dataspace.GetType().Name,
            };
            sb.Append(inv, $"{indent}  [{a.Start:x}, {a.End:x}) offset {a.Offset} {(a.Writable ? "rw" : "ro")}{(a.Executable ? "x" : "")} {what}\n");
            if (a.Dataspace is ManagedDataspace nested and not Tracking.TrackedDataspace) DumpRegionMap(sb, nested.Map, indent + "    ", seen);
        }
    }
}
