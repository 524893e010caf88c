using Rtcr.Quotas;
using Rtcr.Recording;

namespace Rtcr.Sessions;

/// <summary>How the quota hooks write a <see cref="QuotaSnapshot"/>.</summary>
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
}
