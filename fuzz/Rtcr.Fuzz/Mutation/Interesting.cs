namespace Rtcr.Fuzz;

/// <summary>Values that break code: boundaries, sign changes, sizes just past a limit, neighbours of the original.</summary>
internal static class Interesting
{
    private static readonly long[] s_values =
    [
        0, 1, -1, 2, 7, 8, 4095, 4096, 4097, 0x1000_0000, 0x2000_0000, 1L << 32, 1L << 40, 1L << 62,
        int.MaxValue, int.MinValue, (long)int.MaxValue + 1, long.MaxValue, long.MinValue, long.MaxValue - 1,
    ];

    /// <summary>An interesting long, sometimes derived from <paramref name="original"/>.</summary>
    public static long Long(Random random, long original) => random.Next(4) switch
    {
        0 => original + random.Next(-2, 3),
        1 => original ^ (1L << random.Next(64)),
        2 => random.NextInt64(long.MinValue, long.MaxValue),
        _ => s_values[random.Next(s_values.Length)],
    };

    /// <summary>An interesting int, sometimes derived from <paramref name="original"/>.</summary>
    public static int Int(Random random, int original) => (int)Long(random, original);
}
