using System.Buffers.Binary;
using System.Numerics;
using K4os.Compression.LZ4;
using Rtcr.Image;

namespace Rtcr.Runtime.Tests.Image;

public sealed class Lz4DeltaCodecTests
{
    private static readonly int s_vector = Vector<ulong>.Count * sizeof(ulong);

    // Lengths around every boundary the filter has: no word, one word, whole and partial words, and
    // tails after the last whole vector of words; a full slice chunk (header + 4 MiB) last.
    public static TheoryData<int> Lengths()
    {
        var lengths = new SortedSet<int> { 0, 1, 7, 8, 9, 15, 16, 17, 23, 24, 25, 63, 64, 65, 1000, 4099, ImageLayout.SliceSize, ImageLayout.SliceHeaderLength + ImageLayout.SliceSize };
        foreach (int vectors in new[] { 1, 2, 3 })
            foreach (int delta in new[] { -9, -8, -1, 0, 1, 7, 8, 9, 15 })
                lengths.Add(vectors * s_vector + delta);
        var data = new TheoryData<int>();
        foreach (int n in lengths) data.Add(n);
        return data;
    }

    // memory_writer's pattern (word i holds i), with a tail of odd bytes after the last whole word.
    private static byte[] Counters(int length, ulong start = 0)
    {
        var bytes = new byte[length];
        for (int i = 0; i + 8 <= length; i += 8) BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i), start + (ulong)(i / 8));
        for (int i = length / 8 * 8; i < length; i++) bytes[i] = (byte)(0xA0 + i);
        return bytes;
    }

    private static byte[] Random(int length, int seed = 1)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void The_filter_turns_counters_into_ones_and_its_inverse_restores_every_byte(int length)
    {
        var raw = Counters(length, start: 0xFFFF_FFFF_FFFF_FFF0); // wraps around 2^64 on the way
        var filtered = new byte[length];

        WordDelta.Encode(raw, filtered);

        if (length >= 8) Assert.Equal(raw.AsSpan(0, 8).ToArray(), filtered.AsSpan(0, 8).ToArray());
        for (int i = 8; i + 8 <= length; i += 8) Assert.Equal(1UL, BinaryPrimitives.ReadUInt64LittleEndian(filtered.AsSpan(i)));
        Assert.Equal(raw.AsSpan(length / 8 * 8).ToArray(), filtered.AsSpan(length / 8 * 8).ToArray());
        WordDelta.DecodeInPlace(filtered);
        Assert.Equal(raw, filtered);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Random_words_round_trip_through_the_filter(int length)
    {
        var raw = Random(length, seed: length);
        var filtered = new byte[length];

        WordDelta.Encode(raw, filtered);
        WordDelta.DecodeInPlace(filtered);

        Assert.Equal(raw, filtered);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void A_filtered_lz4_block_of_any_length_decodes_to_the_raw_bytes(int length)
    {
        // Built by hand so that lengths too short for the writer to keep compressed are decoded too.
        var raw = Counters(length);
        var filtered = new byte[length];
        WordDelta.Encode(raw, filtered);
        var block = new byte[LZ4Codec.MaximumOutputSize(length)];
        int stored = LZ4Codec.Encode(filtered, block, LZ4Level.L00_FAST);
        var back = new byte[length];

        Assert.True(ChunkCodec.TryDecompress(Lz4DeltaCodec.Id, block.AsSpan(0, stored), back));
        Assert.Equal(raw, back);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void The_codec_round_trips_every_length_and_never_stores_more_than_raw(int length)
    {
        foreach (var raw in new[] { Counters(length), Random(length), new byte[length] })
        {
            byte[]? scratch = null;
            var (codec, stored) = ChunkCodec.Compress(ImageCompression.Lz4Delta, raw, ref scratch);

            Assert.True(stored.Length <= raw.Length);
            var back = new byte[length];
            if (codec == 0) stored.Span.CopyTo(back);
            else Assert.True(ChunkCodec.TryDecompress(codec, stored.Span, back));
            Assert.Equal(raw, back);
        }
    }

    [Fact]
    public void Counters_are_stored_filtered_zero_pages_as_plain_lz4_and_random_bytes_raw()
    {
        int n = ImageLayout.SliceHeaderLength + ImageLayout.SliceSize;
        byte[]? scratch = null;
        var (counters, countersStored) = ChunkCodec.Compress(ImageCompression.Lz4Delta, Counters(n), ref scratch);
        int countersLength = countersStored.Length;
        var (plain, plainStored) = ChunkCodec.Compress(ImageCompression.Lz4, Counters(n), ref scratch);
        var (zero, zeroStored) = ChunkCodec.Compress(ImageCompression.Lz4Delta, new byte[n], ref scratch);
        var (random, randomStored) = ChunkCodec.Compress(ImageCompression.Lz4Delta, Random(n), ref scratch);

        Assert.Equal(Lz4DeltaCodec.Id, counters);
        Assert.Equal((uint)ImageCompression.Lz4, plain);
        Assert.True(countersLength * 20 < plainStored.Length, $"filtered {countersLength} bytes, plain LZ4 {plainStored.Length}");
        Assert.Equal((uint)ImageCompression.Lz4, zero);
        Assert.True(zeroStored.Length < n / 100);
        Assert.Equal(0u, random);
        Assert.Equal(n, randomStored.Length);
    }

    [Fact]
    public void Bytes_whose_repeats_are_not_word_aligned_stay_plain_lz4()
    {
        // Text-like data repeating every 12 bytes: the word difference destroys LZ4's matches.
        var raw = new byte[1 << 20];
        var line = "abcdefghijk\n"u8;
        for (int i = 0; i < raw.Length; i++) raw[i] = (byte)(line[i % line.Length] + (i / 4096 % 7));
        byte[]? scratch = null;

        Assert.False(Lz4DeltaCodec.FilterPays(raw, ref scratch));
        Assert.Equal((uint)ImageCompression.Lz4, ChunkCodec.Compress(ImageCompression.Lz4Delta, raw, ref scratch).Codec);
    }

    [Fact]
    public void A_filtered_block_cut_short_or_decoded_to_another_length_is_refused()
    {
        var raw = Counters(1 << 20);
        byte[]? scratch = null;
        var (codec, packed) = ChunkCodec.Compress(ImageCompression.Lz4Delta, raw, ref scratch);
        var stored = packed.ToArray();
        Assert.Equal(Lz4DeltaCodec.Id, codec);

        Assert.False(ChunkCodec.TryDecompress(codec, stored.AsSpan(0, stored.Length - 1), new byte[raw.Length]));
        Assert.False(ChunkCodec.TryDecompress(codec, stored.AsSpan(0, stored.Length / 2), new byte[raw.Length]));
        Assert.False(ChunkCodec.TryDecompress(codec, [], new byte[raw.Length]));
        Assert.False(ChunkCodec.TryDecompress(codec, stored, new byte[raw.Length - 8]));
        Assert.False(ChunkCodec.TryDecompress(codec, stored, new byte[raw.Length + 8]));
    }

    [Fact]
    public void Damaged_filtered_blocks_are_refused_or_decode_to_the_raw_length_never_an_exception()
    {
        var raw = Counters(256 * 1024);
        byte[]? scratch = null;
        var stored = ChunkCodec.Compress(ImageCompression.Lz4Delta, raw, ref scratch).Stored.ToArray();
        var random = new Random(11);
        var target = new byte[raw.Length];
        int refused = 0;
        for (int trial = 0; trial < 2000; trial++)
        {
            var damaged = (byte[])stored.Clone();
            for (int flips = random.Next(1, 4); flips > 0; flips--) damaged[random.Next(damaged.Length)] ^= (byte)random.Next(1, 256);

            if (!ChunkCodec.TryDecompress(Lz4DeltaCodec.Id, damaged, target)) refused++;
        }

        Assert.True(refused > 0, "no damaged block was refused");
    }
}
