using Google.Protobuf;
using Rtcr.Node.Protos;
using Rtcr.Node.Transport;

namespace Rtcr.Node.Tests;

/// <summary>Chunking and end-to-end checksums of image streams, in process.</summary>
public sealed class TransportTests
{
    private static byte[] Bytes(int n)
    {
        var b = new byte[n];
        new Random(n).NextBytes(b);
        return b;
    }

    [Theory]
    [InlineData(1, 7)]
    [InlineData(4096, 4096)]
    [InlineData(10_000, 1000)]
    [InlineData(10_001, 1000)]
    public void Chunks_reassemble_into_the_same_bytes(int size, int chunk)
    {
        var image = Bytes(size);
        var chunks = ImageChunker.Split(image, "m1", 3, chunk, new ImageChunk { Component = "c", SourceNode = "a" }).ToArray();
        Assert.Equal((size + chunk - 1) / chunk, chunks.Length);
        Assert.True(chunks[^1].Last);
        Assert.All(chunks.SkipLast(1), c => Assert.False(c.Last));
        var assembler = new ImageAssembler();
        foreach (var c in chunks) assembler.Add(c);
        Assert.Equal(image, assembler.Result());
        Assert.Equal(3, assembler.Sequence);
        Assert.Equal("c", assembler.First!.Component);
    }

    [Fact]
    public void A_flipped_bit_in_any_chunk_is_detected()
    {
        var image = Bytes(5000);
        for (int victim = 0; victim < 5; victim++)
        {
            var chunks = ImageChunker.Split(image, "m", 0, 1000).Select(c => c.Clone()).ToArray();
            var data = chunks[victim].Data.ToByteArray();
            data[123] ^= 1;
            chunks[victim].Data = ByteString.CopyFrom(data);
            var assembler = new ImageAssembler();
            for (int i = 0; i < victim; i++) assembler.Add(chunks[i]);
            var ex = Assert.Throws<ImageTransferException>(() => assembler.Add(chunks[victim]));
            Assert.Contains("checksum mismatch", ex.Message);
        }
    }

    [Fact]
    public void A_consistent_forgery_of_a_chunk_is_caught_by_the_whole_image_checksum()
    {
        var chunks = ImageChunker.Split(Bytes(3000), "m", 0, 1000).Select(c => c.Clone()).ToArray();
        var data = chunks[1].Data.ToByteArray();
        data[0] ^= 0xFF;
        chunks[1].Data = ByteString.CopyFrom(data);
        chunks[1].Checksum = System.IO.Hashing.XxHash64.HashToUInt64(data);
        var assembler = new ImageAssembler();
        assembler.Add(chunks[0]);
        assembler.Add(chunks[1]);
        var ex = Assert.Throws<ImageTransferException>(() => assembler.Add(chunks[2]));
        Assert.Contains("whole image", ex.Message);
    }

    [Fact]
    public void Gaps_reordering_truncation_and_foreign_chunks_are_refused()
    {
        var chunks = ImageChunker.Split(Bytes(3000), "m", 0, 1000).ToArray();
        var gap = new ImageAssembler();
        gap.Add(chunks[0]);
        Assert.Contains("offset", Assert.Throws<ImageTransferException>(() => gap.Add(chunks[2])).Message);

        var truncated = new ImageAssembler();
        truncated.Add(chunks[0]);
        truncated.Add(chunks[1]);
        Assert.Contains("before its last chunk", Assert.Throws<ImageTransferException>(() => truncated.Result()).Message);

        var foreign = new ImageAssembler();
        foreign.Add(chunks[0]);
        var other = ImageChunker.Split(Bytes(3000), "other", 0, 1000).ToArray();
        Assert.Contains("migration other", Assert.Throws<ImageTransferException>(() => foreign.Add(other[1])).Message);

        var after = new ImageAssembler();
        foreach (var c in chunks) after.Add(c);
        Assert.Throws<ImageTransferException>(() => after.Add(chunks[2]));

        Assert.Throws<ImageTransferException>(() => new ImageAssembler().Add(new ImageChunk { MigrationId = "m", TotalBytes = -5 }));
    }

    [Fact]
    public void Tokens_must_be_long_and_plain()
    {
        Assert.Throws<ArgumentException>(() => new NodeToken("short"));
        Assert.Throws<ArgumentException>(() => new NodeToken("has a space in it, long enough"));
        Assert.Equal("0123456789abcdef", new NodeToken("0123456789abcdef").Value);
        Assert.Equal("<token>", new NodeToken("0123456789abcdef").ToString());
        Assert.Throws<FileNotFoundException>(() => NodeToken.FromFile("/nonexistent/token"));
    }
    [Fact]
    public void Chunks_assembled_into_a_file_land_there_as_they_arrive_and_only_a_complete_image_can_be_taken()
    {
        string dir = Directory.CreateTempSubdirectory("rtcr-assemble-").FullName;
        try
        {
            var image = Bytes(10_001);
            string path = Path.Combine(dir, "image-0000.rtcr");
            var chunks = ImageChunker.Split(image, "m1", 0, 1000).ToArray();
            using (var assembler = new ImageAssembler(_ => Rtcr.Image.AtomicFile.Create(path)))
            {
                for (int i = 0; i < 5; i++) assembler.Add(chunks[i]);
                // Written through, not buffered: the first 5000 bytes are in the temporary file already.
                var temp = Assert.Single(Directory.GetFiles(dir));
                Assert.Equal(image.AsSpan(0, 5000).ToArray(), File.ReadAllBytes(temp));
                Assert.Throws<ImageTransferException>(assembler.CompletedFile);
                foreach (var c in chunks.Skip(5)) assembler.Add(c);
                assembler.CompletedFile().Commit();
            }
            Assert.Equal(image, File.ReadAllBytes(path));

            // A corrupt chunk: the partial file is deleted with the assembler, the committed image stays.
            var bad = ImageChunker.Split(Bytes(3000), "m1", 0, 1000).Select(c => c.Clone()).ToArray();
            bad[2].Data = ByteString.CopyFrom(new byte[1000]);
            using (var assembler = new ImageAssembler(_ => Rtcr.Image.AtomicFile.Create(path)))
            {
                assembler.Add(bad[0]);
                assembler.Add(bad[1]);
                Assert.Contains("checksum mismatch", Assert.Throws<ImageTransferException>(() => assembler.Add(bad[2])).Message);
            }
            Assert.Equal([path], Directory.GetFiles(dir));
            Assert.Equal(image, File.ReadAllBytes(path));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
