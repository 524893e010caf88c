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
        for (int g = 0; g < groups; g++)
        {
            ulong m0, m1, m2, m3, m4, m5, m6, m7;
            if (forward)
            {
                var w = src.Slice(g * 8, 8);
                (m0, m1, m2, m3, m4, m5, m6, m7) = (w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]);
            }
            else (m0, m1, m2, m3, m4, m5, m6, m7) = (src[g], src[stream + g], src[2 * stream + g], src[3 * stream + g], src[4 * stream + g], src[5 * stream + g], src[6 * stream + g], src[7 * stream + g]);
            // An 8×8 byte transpose: swap 4×4 blocks, then 2×2 blocks, then single bytes.
            Swap(ref m0, ref m4, 32, 0x0000_0000_FFFF_FFFFUL); Swap(ref m1, ref m5, 32, 0x0000_0000_FFFF_FFFFUL);
            Swap(ref m2, ref m6, 32, 0x0000_0000_FFFF_FFFFUL); Swap(ref m3, ref m7, 32, 0x0000_0000_FFFF_FFFFUL);
            Swap(ref m0, ref m2, 16, 0x0000_FFFF_0000_FFFFUL); Swap(ref m1, ref m3, 16, 0x0000_FFFF_0000_FFFFUL);
            Swap(ref m4, ref m6, 16, 0x0000_FFFF_0000_FFFFUL); Swap(ref m5, ref m7, 16, 0x0000_FFFF_0000_FFFFUL);
            Swap(ref m0, ref m1, 8, 0x00FF_00FF_00FF_00FFUL); Swap(ref m2, ref m3, 8, 0x00FF_00FF_00FF_00FFUL);
            Swap(ref m4, ref m5, 8, 0x00FF_00FF_00FF_00FFUL); Swap(ref m6, ref m7, 8, 0x00FF_00FF_00FF_00FFUL);
            if (forward)
                (dst[g], dst[stream + g], dst[2 * stream + g], dst[3 * stream + g], dst[4 * stream + g], dst[5 * stream + g], dst[6 * stream + g], dst[7 * stream + g]) = (m0, m1, m2, m3, m4, m5, m6, m7);
            else
            {
                var w = dst.Slice(g * 8, 8);
                (w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]) = (m0, m1, m2, m3, m4, m5, m6, m7);
            }
        }
        from[(groups * 64)..].CopyTo(to[(groups * 64)..]);
    }

    // Exchanges the high part of a with the low part of b.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void Swap(ref ulong a, ref ulong b, int shift, ulong low)
    {
        ulong x = a, y = b;
        a = (x & low) | ((y & low) << shift);
        b = ((x >> shift) & low) | (y & ~low);
    }
}
