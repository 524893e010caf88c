using Rtcr.Image;

namespace Rtcr.Host.Commands;

/// <summary>The <c>--compress</c>/<c>--codec</c> pair of <c>run</c> and <c>compact</c>.</summary>
internal static class Codecs
{
    private static readonly Dictionary<string, ImageCompression> s_names = new(StringComparer.OrdinalIgnoreCase)
    {
        ["lz4-delta"] = ImageCompression.Lz4Delta,
        ["lz4"] = ImageCompression.Lz4,
        ["zstd"] = ImageCompression.Zstd,
        ["deflate"] = ImageCompression.Deflate,
    };

    public static string? Problem(bool compress, string? codec)
    {
        if (codec is null) return null;
        if (!compress) return "--codec only applies with --compress";
        return s_names.ContainsKey(codec) ? null : $"--codec: '{codec}' is not one of lz4-delta, lz4, zstd, deflate";
    }

    public static ImageCompression Choose(bool compress, string? codec) =>
        !compress ? ImageCompression.None : codec is null ? ImageCompression.Lz4Delta : s_names[codec];
}
