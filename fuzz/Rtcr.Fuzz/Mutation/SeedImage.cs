using Rtcr.Checkpoint;
using Rtcr.Image;
using Rtcr.Samples;
using Rtcr.Sessions;

namespace Rtcr.Fuzz;

/// <summary>
/// A valid image of a sample child that mutations start from, with what its restore must look like:
/// the dump of a child restored from the untouched bytes.
/// </summary>
internal sealed class SeedImage
{
    private SeedImage(string name, byte[] bytes, CheckpointImage image, string expectedDump)
    {
        Name = name;
        Bytes = bytes;
        Image = image;
        ExpectedDump = expectedDump;
    }

    /// <summary>Which sample, config and compression.</summary>
    public string Name { get; }

    /// <summary>The image file's bytes.</summary>
    public byte[] Bytes { get; }

    /// <summary>The image as read back.</summary>
    public CheckpointImage Image { get; }

    /// <summary><see cref="ChildState.Dump"/> of a child restored from <see cref="Bytes"/>.</summary>
    public string ExpectedDump { get; }

    /// <summary>The seeds: both samples, uncompressed and compressed (one with word-delta filtered chunks).</summary>
    public static IReadOnlyList<SeedImage> Standard() =>
    [
        Create("sheep_counter", "<config start=\"7\" interval_ms=\"250\"/>", 3, ImageCompression.None),
        Create("sheep_counter", "<config start=\"7\" interval_ms=\"250\"/>", 2, ImageCompression.Zstd),
        Create("memory_writer", "<config working_set=\"16K\" pattern=\"hotspot\" rate=\"5000\" interval_ms=\"20\" seed=\"7\"/>", 2, ImageCompression.None),
        Create("memory_writer", "<config working_set=\"16K\" pattern=\"random\" rate=\"5000\" interval_ms=\"20\" seed=\"3\"/>", 2, ImageCompression.Deflate),
        // Written over sequentially (word i holds a count), so its working set is stored word-delta filtered (codec 4).
        Create("memory_writer", "<config working_set=\"16K\" pattern=\"sequential\" rate=\"200000\" interval_ms=\"20\" seed=\"5\"/>", 2, ImageCompression.Lz4Delta),
    ];

    /// <summary>Runs <paramref name="component"/> for <paramref name="ticks"/> ticks and checkpoints it.</summary>
    public static SeedImage Create(string component, string config, int ticks, ImageCompression compression)
    {
        byte[] bytes;
        using (var host = new ComponentHost())
        {
            var child = host.Start(SampleCatalog.Create(component), config);
            host.RunTicks(child, ticks);
            var ms = new MemoryStream();
            ImageWriter.Write(host.Checkpoint(child), ms, compression);
            bytes = ms.ToArray();
        }
        var image = ImageReader.Read(new MemoryStream(bytes), component, SessionRecorders.Schema);
        using var restoring = new ComponentHost(startMicroseconds: image.Manifest.ClockMicroseconds);
        var restored = restoring.Restore(image, SampleCatalog.Create);
        return new SeedImage($"{component}/{compression}", bytes, image, ChildState.Dump(restoring, restored));
    }
}
