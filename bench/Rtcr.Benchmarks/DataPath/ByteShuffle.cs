using K4os.Compression.LZ4;

namespace Rtcr.Benchmarks.DataPath;

/// <summary>
/// Blosc's byte shuffle over 8-byte elements, for comparison with the word-delta filter only (not in the
/// image format): byte k of every word goes to stream k, so the bytes that change together sit together.
/// Eight words at a time are transposed as an 8×8 byte matrix with three mask-and-shift stages. Bytes after
/// the last group of eight words are copied as they are.
/// </summary>
public static class ByteShuffle
{
    /// <summary>Shuffles <paramref name="raw"/> into <paramref name="shuffled"/> (same length).</summary>
    public static void Encode(ReadOnlySpan<byte> raw, Span<byte> shuffled) => Move(raw, shuffled, forward: true);

    /// <summary>Undoes <see cref="Encode"/>.</summary>
    public static void Decode(ReadOnlySpan<byte> shuffled, Span<byte> raw) => Move(shuffled, raw, forward: false);

    /// <summary>Shuffle then LZ4 (fast level) into <paramref name="output"/>; returns the LZ4 length.</summary>
    public static int Compress(ReadOnlySpan<byte> raw, Span<byte> shuffled, Span<byte> output)
    {
        Encode(raw, shuffled);
        return LZ4Codec.Encode(shuffled, output, LZ4Level.L00_FAST);
    }

    private static void Move(ReadOnlySpan<byte> from, Span<byte> to, bool forward)
    {
        var src = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(from);
        var dst = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(to);
        int groups = src.Length / 8, stream = groups;
        Span<ulong> m = stackalloc ulong[8];
        for (int g = 0; g < groups; g++)
        {
            for (int r = 0; r < 8; r++) m[r] = forward ? src[g * 8 + r] : src[r * stream + g];
            Transpose(m);
            for (int r = 0; r < 8; r++)
                if (forward) dst[r * stream + g] = m[r];
                else dst[g * 8 + r] = m[r];
        }
        from[(groups * 64)..].CopyTo(to[(groups * 64)..]);
    }

    private static void Transpose(Span<ulong> m)
    {
        Swap(m, 4, 32, 0x0000_0000_FFFF_FFFFUL);
        Swap(m, 2, 16, 0x0000_FFFF_0000_FFFFUL);
        Swap(m, 1, 8, 0x00FF_00FF_00FF_00FFUL);
    }

    // Exchanges the high part of row r with the low part of row r + distance, for every r whose bit 'distance' is clear.
    private static void Swap(Span<ulong> m, int distance, int shift, ulong low)
    {
        for (int r = 0; r < 8; r++)
        {
            if ((r & distance) != 0) continue;
            ulong a = m[r], b = m[r + distance];
            m[r] = (a & low) | ((b & low) << shift);
            m[r + distance] = ((a >> shift) & low) | (b & ~low);
        }
    }
}
