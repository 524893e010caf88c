using System.Buffers.Binary;
using System.IO.Hashing;
using Rtcr.EndToEnd.Tests.Harness;
using Rtcr.Image;

namespace Rtcr.EndToEnd.Tests;

/// <summary>
/// The image format: round trip with and without compression, and every kind of bad image rejected
/// with a typed error before anything is created from it.
/// </summary>
public sealed class ImageFormatTests
{
    private static readonly Lazy<byte[]> s_image = new(() =>
    {
        var (host, _, image) = Images.Checkpointed(Scenario.WriterRandom, 3);
        using (host) return Images.Bytes(image);
    });

    [Theory]
    [InlineData(ImageCompression.None)]
    [InlineData(ImageCompression.Deflate)]
    public void Image_round_trips_through_the_format(ImageCompression compression)
    {
        var (host, _, image) = Images.Checkpointed(Scenario.WriterRandom, 3);
        using (host)
        {
            var back = Images.Read(Images.Bytes(image, compression));
            Assert.Equal(image.Manifest.Capabilities, back.Manifest.Capabilities);
            Assert.Equal(image.Manifest.Sessions.Select(s => (s.Service, s.Badge, Convert.ToHexString(s.State))), back.Manifest.Sessions.Select(s => (s.Service, s.Badge, Convert.ToHexString(s.State))));
            Assert.Equal(image.Contents.Keys.Order(), back.Contents.Keys.Order());
            foreach (var (badge, content) in image.Contents) Assert.Equal(content, back.Contents[badge]);
        }
    }

    [Fact]
    public void Compression_shrinks_mostly_zero_memory()
    {
        var (host, _, image) = Images.Checkpointed(Scenario.Sheep, 2);
        using (host)
            Assert.True(Images.Bytes(image, ImageCompression.Deflate).Length < Images.Bytes(image).Length / 4);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(47)]
    [InlineData(60)]
    [InlineData(500)]
    [InlineData(-40)]
    [InlineData(-1)]
    public void Truncated_image_is_rejected_as_truncated(int cut)
    {
        var bytes = s_image.Value;
        int length = cut >= 0 ? cut : bytes.Length + cut;
        var ex = Assert.Throws<ImageFormatException>(() => Images.Read(bytes[..length]));
        Assert.Contains(ex.Error, new[] { ImageError.Truncated, ImageError.Foreign });
        if (length >= 8) Assert.Equal(ImageError.Truncated, ex.Error);
    }

    [Theory]
    [InlineData(20)]     // header: schema id
    [InlineData(48 + 3)] // manifest chunk header: kind/codec
    [InlineData(48 + 40)] // inside the manifest
    [InlineData(-100)]   // inside the last dataspace slice
    [InlineData(-20)]    // end marker
    public void Corrupted_byte_is_detected(int position)
    {
        var bytes = (byte[])s_image.Value.Clone();
        int at = position >= 0 ? position : bytes.Length + position;
        bytes[at] ^= 0x5A;
        var ex = Assert.Throws<ImageFormatException>(() => Images.Read(bytes));
        Assert.Equal(ImageError.Corrupted, ex.Error);
    }

    [Fact]
    public void Foreign_file_is_rejected_as_foreign()
    {
        var ex = Assert.Throws<ImageFormatException>(() => Images.Read("<config start=\"1\"/> this is not an image at all"u8.ToArray()));
        Assert.Equal(ImageError.Foreign, ex.Error);
        Assert.Contains("not an Rtcr image", ex.Message);
    }

    [Fact]
    public void Newer_format_version_is_rejected_with_upgrade_hint()
    {
        var bytes = (byte[])s_image.Value.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), 99);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(40), XxHash64.HashToUInt64(bytes.AsSpan(0, 40)));
        var ex = Assert.Throws<ImageFormatException>(() => Images.Read(bytes));
        Assert.Equal(ImageError.NewerVersion, ex.Error);
        Assert.Contains("upgrade", ex.Message);
    }

    [Fact]
    public void Image_of_another_session_schema_id_is_read_its_states_decide()
    {
        // Additive interface changes give a new schema id but keep images restorable (docs/schema-compatibility.md):
        // the id alone is no reason to refuse; the restorer checks each session state.
        var image = ImageReader.Read(new MemoryStream(s_image.Value), "test", Images.Schema ^ 1);
        Assert.Equal(Images.Schema, image.Manifest.SchemaId);
    }

    [Fact]
    public void Failed_write_leaves_the_previous_image_untouched()
    {
        string dir = CheckpointHarness.TempDir();
        try
        {
            string path = Path.Combine(dir, "sheep.rtcr");
            var (host, child, image) = Images.Checkpointed(Scenario.Sheep, 2);
            using (host)
            {
                ImageWriter.WriteFile(image, path);
                var before = File.ReadAllBytes(path);
                // An image whose content table names a dataspace without content cannot be written.
                var broken = new Rtcr.Checkpoint.CheckpointImage(image.Manifest, new Dictionary<long, byte[]>());
                var ex = Assert.Throws<ArgumentException>(() => ImageWriter.WriteFile(broken, path));
                Assert.Contains("without matching content", ex.Message);
                Assert.Equal(before, File.ReadAllBytes(path));
                Assert.Single(Directory.GetFiles(dir));
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
