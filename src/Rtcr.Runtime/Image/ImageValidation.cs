using Rtcr.Checkpoint;

namespace Rtcr.Image;

/// <summary>
/// Structural checks of a manifest, shared by the writer and the reader: fields in their documented
/// ranges, no nulls where MemoryPack can decode one, table sizes within <see cref="ImageLayout"/>'s
/// limits. The semantic checks (badges, capability indices, session states, quotas) are
/// <see cref="Restore.ManifestValidator"/>'s.
/// </summary>
internal static class ImageValidation
{
    /// <summary>What is wrong with a dataspace entry's size or ranges, or null when nothing is.</summary>
    public static string? RangesProblem(DataspaceImage ds)
    {
        if (ds.Size < 0 || ds.Size > Array.MaxLength) return $"dataspace {ds.Badge} has an invalid size {ds.Size}";
        if (ds.Ranges is null) return null;
        if (ds.Ranges.Count > ds.Size) return $"dataspace {ds.Badge} ({ds.Size} bytes) lists {ds.Ranges.Count} ranges";
        long end = 0;
        foreach (var r in ds.Ranges)
        {
            if (r.Length <= 0 || r.Offset < end || r.Offset > ds.Size - r.Length)
                return $"dataspace {ds.Badge} ({ds.Size} bytes) has a range [{r.Offset}, +{r.Length}) that is empty, overlaps the one before or lies outside it";
            end = r.End;
        }
        return null;
    }

    /// <summary>
    /// What is structurally wrong with a decoded manifest (a null where a value is required, a value
    /// outside its range, a table larger than the documented limits), or null when nothing is.
    /// </summary>
    public static string? ManifestProblem(ImageManifest m)
    {
        if (m.Label is null || m.Metadata is null || m.Capabilities is null || m.Sessions is null || m.Dataspaces is null || m.PendingSignals is null)
            return "the manifest lacks a required field (label, metadata or a table)";
        if (m.ClockMicroseconds < 0 || m.ClockMicroseconds > ImageLayout.MaxClockMicroseconds) return $"the clock ({m.ClockMicroseconds} us) is negative or beyond {ImageLayout.MaxClockMicroseconds} us";
        if (m.CapabilitySlots <= 0 || m.CapabilitySlots > ImageLayout.MaxCapabilitySlots)
            return $"the capability space has {m.CapabilitySlots} slots (1 to {ImageLayout.MaxCapabilitySlots} allowed)";
        if (m.InitialRamQuota < 0 || m.InitialCapQuota < 0) return $"the initial quota is negative (RAM {m.InitialRamQuota}, caps {m.InitialCapQuota})";
        if (m.ChainDepth < 0 || m.ChainDepth > ImageChain.MaxDepth) return $"the chain depth {m.ChainDepth} is out of range";
        if (m.Capabilities.Count > m.CapabilitySlots) return $"{m.Capabilities.Count} capabilities do not fit {m.CapabilitySlots} slots";
        if (m.Sessions.Count > ImageLayout.MaxSessions) return $"{m.Sessions.Count} sessions (at most {ImageLayout.MaxSessions})";
        if (m.Dataspaces.Count > ImageLayout.MaxDataspaces) return $"{m.Dataspaces.Count} dataspaces (at most {ImageLayout.MaxDataspaces})";
        if (m.PendingSignals.Count > ImageLayout.MaxSessions * 16) return $"{m.PendingSignals.Count} pending signals";
        foreach (var (key, value) in m.Metadata)
            if (value is null) return $"metadata '{key}' has no value";
        foreach (var c in m.Capabilities)
            if (c is null || c.Type is null) return "a capability slot entry is empty";
        foreach (var s in m.Sessions)
        {
            if (s is null || s.Service is null || s.Label is null || s.Extra is null || s.State is null) return "a session entry lacks its service, label, arguments or state";
            foreach (var (key, value) in s.Extra)
                if (value is null) return $"session '{s.Service}' argument '{key}' has no value";
        }
        foreach (var d in m.Dataspaces)
            if (d is null) return "a dataspace entry is empty";
        foreach (var p in m.PendingSignals)
            if (p is null || p.Count <= 0) return "a pending signal entry is empty or has no signals";
        return null;
    }
}
