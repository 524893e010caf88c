using K4os.Compression.LZ4;

namespace Rtcr.Image;

/// <summary>
/// <see cref="ImageCompression.Lz4Delta"/>: LZ4 (fast level) of the chunk after <see cref="WordDelta"/>,
/// chosen per chunk. A sample of the chunk is compressed both ways first; the filter is used only where it
/// shrinks the sample clearly, otherwise the chunk is plain LZ4 (codec id <see cref="ImageCompression.Lz4"/>),
/// and raw (id 0) when neither shrinks it — never larger than raw, and zero pages or random data cost what
/// plain LZ4 costs plus the sample.
/// </summary>
internal static class Lz4DeltaCodec
{
    /// <summary>The codec id of a filtered chunk.</summary>
    public const uint Id = (uint)ImageCompression.Lz4Delta;

    /// <summary>Bytes per sample window; a multiple of 8 so windows stay on word boundaries.</summary>
    internal const int SampleWindow = 4096;

    /// <summary>Sample windows per chunk, spread evenly over it.</summary>
    internal const int SampleWindows = 4;

    /// <summary>
    /// Compresses <paramref name="raw"/> with or without the filter, as the sample says, into
    /// <paramref name="scratch"/> (grown as needed); returns the codec id used and the stored bytes.
    /// </summary>
    public static (uint Codec, ReadOnlyMemory<byte> Stored) Compress(ReadOnlyMemory<byte> raw, ref byte[]? scratch) =>
        Compress(raw, ref scratch, FilterPays(raw.Span, ref scratch));

    /// <summary>Compresses with the filter (<paramref name="filter"/>) or as plain LZ4; raw when that does not shrink the chunk.</summary>
    internal static (uint Codec, ReadOnlyMemory<byte> Stored) Compress(ReadOnlyMemory<byte> raw, ref byte[]? scratch, bool filter)
    {
        int n = raw.Length;
        if (n == 0) return (0, raw);
        int bound = LZ4Codec.MaximumOutputSize(n);
        // One buffer: the filtered chunk in front, LZ4's output behind it.
        ChunkCodec.Ensure(ref scratch, n + bound);
        var output = scratch.AsSpan(n, bound);
        int length;
        if (filter)
        {
            WordDelta.Encode(raw.Span, scratch.AsSpan(0, n));
            length = LZ4Codec.Encode(scratch.AsSpan(0, n), output, LZ4Level.L00_FAST);
        }
        else length = LZ4Codec.Encode(raw.Span, output, LZ4Level.L00_FAST);
        if (length <= 0 || length >= n) return (0, raw);
        return (filter ? Id : (uint)ImageCompression.Lz4, scratch.AsMemory(n, length));
    }

    /// <summary>Decompresses a filtered chunk into <paramref name="raw"/> (its raw length); false when the LZ4 block does not decode to exactly that length.</summary>
    public static bool TryDecompress(ReadOnlySpan<byte> stored, Span<byte> raw)
    {
        if (LZ4Codec.Decode(stored, raw) != raw.Length) return false;
        WordDelta.DecodeInPlace(raw);
        return true;
    }

    /// <summary>
    /// True when LZ4 stores the sample windows of <paramref name="raw"/> at least 10% smaller filtered than
    /// plain. The margin keeps plain LZ4 (no filter pass, no running sum on restore) where the two are
    /// alike, e.g. zero pages and random data.
    /// </summary>
    internal static bool FilterPays(ReadOnlySpan<byte> raw, ref byte[]? scratch)
    {
        int n = raw.Length;
        int window = Math.Min(SampleWindow, n & ~7);
        if (window < 2 * sizeof(ulong)) return false;
        int windows = n >= SampleWindows * window ? SampleWindows : 1;
        int bound = LZ4Codec.MaximumOutputSize(window);
        ChunkCodec.Ensure(ref scratch, n + LZ4Codec.MaximumOutputSize(n));
        var filtered = scratch.AsSpan(0, window + sizeof(ulong));
        var output = scratch.AsSpan(n, bound);
        long plain = 0, delta = 0;
        for (int i = 0; i < windows; i++)
        {
            // Word-aligned start; a window after the first is filtered with the word before it, as in the whole chunk.
            int at = (int)((long)(n - window) * i / windows) & ~7;
            int before = at == 0 ? 0 : sizeof(ulong);
            // A zero window stores alike both ways; a vectorised scan is far cheaper than two LZ4 calls on it.
            if (!raw.Slice(at, window).ContainsAnyExcept((byte)0)) continue;
            plain += LZ4Codec.Encode(raw.Slice(at, window), output, LZ4Level.L00_FAST);
            WordDelta.Encode(raw.Slice(at - before, window + before), filtered[..(window + before)]);
            delta += LZ4Codec.Encode(filtered.Slice(before, window), output, LZ4Level.L00_FAST);
        }
        return delta * 10 < plain * 9; // all windows zero: 0 < 0, plain LZ4
    }
}
