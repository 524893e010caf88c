using Rtcr.Image;

namespace Rtcr.Runtime.Tests.Image;

public sealed class SliceCompressorTests
{
    // Seven slices of different content and length through a compressor two wide: four rounds, the last one partial.
    private static List<(long Badge, long Offset, byte[] Data)> Slices()
    {
        var random = new Random(7);
        var slices = new List<(long, long, byte[])>();
        for (int i = 0; i < 7; i++)
        {
            var data = new byte[(i + 1) * 50_000];
            for (int j = 0; j < data.Length; j++) data[j] = (byte)(i % 3 == 0 ? j / 64 : i % 3 == 1 ? random.Next(256) : 0);
            slices.Add((100 + i, (long)i << 22, data));
        }
        return slices;
    }

    [Theory]
    [InlineData(ImageCompression.Lz4)]
    [InlineData(ImageCompression.Lz4Delta)]
    [InlineData(ImageCompression.Zstd)]
    [InlineData(ImageCompression.Deflate)]
    public void Slices_come_back_in_order_with_the_bytes_serial_compression_gives(ImageCompression codec)
    {
        var compressor = new SliceCompressor(codec, width: 2);
        var drained = new List<(uint Codec, int Raw, byte[] Stored)>();
        void Take(uint c, int raw, ReadOnlyMemory<byte> stored) => drained.Add((c, raw, stored.ToArray()));
        foreach (var (badge, offset, data) in Slices())
        {
            if (compressor.Full) compressor.Drain(Take);
            compressor.Add(badge, offset, data);
        }
        compressor.Drain(Take);

        var expected = Slices();
        Assert.Equal(expected.Count, drained.Count);
        byte[]? scratch = null;
        for (int i = 0; i < expected.Count; i++)
        {
            var raw = new byte[ImageLayout.SliceHeaderLength + expected[i].Data.Length];
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(raw, expected[i].Badge);
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(raw.AsSpan(8), expected[i].Offset);
            expected[i].Data.CopyTo(raw, ImageLayout.SliceHeaderLength);
            var (codecUsed, stored) = ChunkCodec.Compress(codec, raw, ref scratch);
            Assert.Equal(codecUsed, drained[i].Codec);
            Assert.Equal(raw.Length, drained[i].Raw);
            Assert.Equal(stored.ToArray(), drained[i].Stored);
            var back = new byte[raw.Length];
            if (codecUsed == 0) drained[i].Stored.CopyTo(back, 0);
            else Assert.True(ChunkCodec.TryDecompress(codecUsed, drained[i].Stored, back));
            Assert.Equal(raw, back);
        }
        Assert.Contains(drained, d => d.Codec != 0); // something was compressed, so the comparison meant something
    }

    [Fact]
    public void Adding_to_a_full_compressor_is_refused()
    {
        var compressor = new SliceCompressor(ImageCompression.Lz4, width: 1);
        compressor.Add(1, 0, new byte[10]);

        Assert.True(compressor.Full);
        Assert.Throws<InvalidOperationException>(() => compressor.Add(1, 10, new byte[10]));
    }
}
