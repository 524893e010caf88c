using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Rtcr.Image;

/// <summary>
/// The reversible pre-filter of <see cref="ImageCompression.Lz4Delta"/>: every 64-bit little-endian word
/// after the first is replaced by its difference to the word before it (mod 2^64); the first word and the
/// bytes after the last whole word are kept as they are. Counters, pointer arrays, timestamps and page
/// tables turn into runs of one small value, which LZ4 stores as a few long matches instead of a 4-byte
/// match every 8 bytes (its slowest case).
/// </summary>
internal static class WordDelta
{
    /// <summary>Writes the filtered form of <paramref name="raw"/> into <paramref name="filtered"/> (same length; the two must not overlap).</summary>
    public static void Encode(ReadOnlySpan<byte> raw, Span<byte> filtered)
    {
        if (filtered.Length != raw.Length) throw new ArgumentException("the filtered buffer must have the raw length", nameof(filtered));
        int words = raw.Length / sizeof(ulong);
        int whole = words * sizeof(ulong);
        raw[whole..].CopyTo(filtered[whole..]);
        if (words == 0) return;
        raw[..sizeof(ulong)].CopyTo(filtered);
        int j = 1;
        if (BitConverter.IsLittleEndian && Vector.IsHardwareAccelerated)
        {
            // Word j minus word j-1 for a vector of words at a time: two overlapping unaligned loads.
            ref ulong src = ref Unsafe.As<byte, ulong>(ref MemoryMarshal.GetReference(raw));
            ref ulong dst = ref Unsafe.As<byte, ulong>(ref MemoryMarshal.GetReference(filtered));
            int width = Vector<ulong>.Count;
            for (; j <= words - width; j += width)
                Vector.StoreUnsafe(Vector.LoadUnsafe(ref src, (nuint)j) - Vector.LoadUnsafe(ref src, (nuint)(j - 1)), ref dst, (nuint)j);
        }
        for (; j < words; j++)
            BinaryPrimitives.WriteUInt64LittleEndian(filtered[(j * sizeof(ulong))..],
                BinaryPrimitives.ReadUInt64LittleEndian(raw[(j * sizeof(ulong))..]) - BinaryPrimitives.ReadUInt64LittleEndian(raw[((j - 1) * sizeof(ulong))..]));
    }

    /// <summary>Undoes <see cref="Encode"/> in place (a running sum over the words).</summary>
    public static void DecodeInPlace(Span<byte> data)
    {
        int words = data.Length / sizeof(ulong);
        if (words < 2) return;
        if (BitConverter.IsLittleEndian)
        {
            var w = MemoryMarshal.Cast<byte, ulong>(data[..(words * sizeof(ulong))]);
            ulong sum = w[0];
            for (int j = 1; j < w.Length; j++) w[j] = sum += w[j];
            return;
        }
        ulong total = BinaryPrimitives.ReadUInt64LittleEndian(data);
        for (int j = 1; j < words; j++)
            BinaryPrimitives.WriteUInt64LittleEndian(data[(j * sizeof(ulong))..], total += BinaryPrimitives.ReadUInt64LittleEndian(data[(j * sizeof(ulong))..]));
    }
}
