using System.Globalization;

namespace Rtcr.Host.Commands;

/// <summary>Parses durations such as <c>500ms</c>, <c>2s</c>, <c>1.5m</c>, <c>1h</c>.</summary>
internal static class Duration
{
    public static bool TryParseMicroseconds(string text, out long microseconds)
    {
        microseconds = 0;
        text = text.Trim();
        (string suffix, double scale)[] units = [("us", 1), ("ms", 1_000), ("s", 1_000_000), ("m", 60_000_000), ("h", 3_600_000_000)];
        foreach (var (suffix, scale) in units)
        {
            if (!text.EndsWith(suffix, StringComparison.Ordinal)) continue;
            var number = text[..^suffix.Length];
            // "ms" also ends with "s": only accept when the rest is a number.
            if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || v < 0) continue;
            microseconds = (long)(v * scale);
            return true;
        }
        return false;
    }

    public static long ParseMicroseconds(string text, string option) =>
        TryParseMicroseconds(text, out long us) ? us
        : throw new ArgumentException($"{option}: '{text}' is not a duration (examples: 500ms, 2s, 1.5m, 1h)");
}
