using System.Globalization;

namespace Rtcr.Host.Commands;

/// <summary>Parses sizes such as <c>4096</c>, <c>4K</c>, <c>64K</c>, <c>1M</c>, <c>2G</c> (binary units).</summary>
internal static class ByteSize
{
    public static bool TryParse(string text, out long bytes)
    {
        bytes = 0;
        text = text.Trim();
        if (text.Length == 0) return false;
        long scale = char.ToUpperInvariant(text[^1]) switch { 'K' => 1L << 10, 'M' => 1L << 20, 'G' => 1L << 30, _ => 1 };
        string number = scale == 1 ? text : text[..^1];
        if (number.EndsWith("i", StringComparison.OrdinalIgnoreCase)) return false;
        if (!long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out long n) || n > long.MaxValue / scale) return false;
        bytes = n * scale;
        return true;
    }
}
