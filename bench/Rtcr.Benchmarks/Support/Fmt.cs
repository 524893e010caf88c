using System.Globalization;

namespace Rtcr.Benchmarks.Support;

/// <summary>Invariant-culture number formatting for the custom tables.</summary>
public static class Fmt
{
    /// <summary>A number with <paramref name="decimals"/> decimals.</summary>
    public static string N(double value, int decimals = 2) => value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>Bytes as MiB.</summary>
    public static string MiB(long bytes) => N(bytes / 1048576.0, 2);

    /// <summary>A size label such as 16 MiB or 1 GiB.</summary>
    public static string Size(long bytes) => bytes >= 1L << 30 ? $"{bytes >> 30} GiB" : $"{bytes >> 20} MiB";
}
