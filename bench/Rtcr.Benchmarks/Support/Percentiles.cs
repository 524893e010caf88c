namespace Rtcr.Benchmarks.Support;

/// <summary>Order statistics of a sample (nearest-rank), for the custom measurements.</summary>
public static class Percentiles
{
    /// <summary>The <paramref name="p"/>-th percentile (0..100) of <paramref name="values"/>.</summary>
    public static double Of(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        int rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    /// <summary>The median.</summary>
    public static double Median(IReadOnlyList<double> values) => Of(values, 50);
}
