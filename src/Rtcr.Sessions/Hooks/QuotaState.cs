using Rtcr.Quotas;
using Rtcr.Recording;

namespace Rtcr.Sessions;

/// <summary>How the quota hooks write a <see cref="QuotaSnapshot"/>, and what they accept back.</summary>
internal static class QuotaState
{
    public static void Write(StateWriter writer, QuotaSnapshot s)
    {
        writer.WriteInt64(s.RamLimit);
        writer.WriteInt64(s.RamUsed);
        writer.WriteInt64(s.CapLimit);
        writer.WriteInt64(s.CapUsed);
    }

    public static QuotaSnapshot Read(ref StateReader reader) =>
        new(reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64());

    /// <summary>
    /// Puts an account back as the image has it, but never with more quota than replay granted it:
    /// limits above <paramref name="ramCeiling"/>/<paramref name="capCeiling"/> (what the restoring
    /// parent and the replayed upgrades gave), negative amounts or more used than the limit are
    /// refused (the restore is rolled back), so a crafted image cannot raise its own quota.
    /// </summary>
    public static void Restore(QuotaAccount account, QuotaSnapshot s, long ramCeiling, long capCeiling)
    {
        if (s.RamUsed < 0 || s.CapUsed < 0 || s.RamUsed > s.RamLimit || s.CapUsed > s.CapLimit)
            throw new StateFormatException($"quota of '{account.Owner}' in the image is inconsistent: {s}");
        if (s.RamLimit > ramCeiling || s.CapLimit > capCeiling)
            throw new StateFormatException($"quota of '{account.Owner}' in the image (RAM limit {s.RamLimit}, caps {s.CapLimit}) exceeds what the restoring parent granted ({ramCeiling}, {capCeiling})");
        account.Restore(s);
    }
}
