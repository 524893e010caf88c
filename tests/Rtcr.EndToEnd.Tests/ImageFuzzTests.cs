using Rtcr.EndToEnd.Tests.Harness;
using Rtcr.Image;

namespace Rtcr.EndToEnd.Tests;

/// <summary>
/// Seeded random damage to a valid image (bit flips, truncation, inserted and overwritten runs):
/// the reader either rejects it with an <see cref="ImageFormatException"/> or, when the damage missed
/// everything checked, returns the original content. It never fails any other way.
/// </summary>
public sealed class ImageFuzzTests
{
    private static readonly Lazy<(byte[] Bytes, byte[] Compressed)> s_images = new(() =>
    {
        var (host, _, image) = Images.Checkpointed(Scenario.WriterHotspot, 2);
        using (host) return (Images.Bytes(image), Images.Bytes(image, ImageCompression.Deflate));
    });

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(3, true)]
    [InlineData(4, true)]
    public void Damaged_image_is_rejected_with_a_typed_error_or_read_intact(int seed, bool compressed)
    {
        var original = compressed ? s_images.Value.Compressed : s_images.Value.Bytes;
        var random = new Random(seed);
        int rejected = 0;
        for (int round = 0; round < 150; round++)
        {
            var damaged = Damage(original, random);
            try
            {
                var image = Images.Read(damaged);
                // Accepted: the damage must not have changed anything the image says.
                Assert.Equal(Images.Read(original).MemoryBytes, image.MemoryBytes);
            }
            catch (ImageFormatException)
            {
                rejected++;
            }
        }
        Assert.True(rejected > 100, $"only {rejected} of 150 damaged images were rejected");
    }

    private static byte[] Damage(byte[] original, Random random)
    {
        var bytes = (byte[])original.Clone();
        switch (random.Next(4))
        {
            case 0:
                for (int i = random.Next(1, 4); i > 0; i--) bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                return bytes;
            case 1:
                return bytes[..random.Next(bytes.Length)];
            case 2:
                int at = random.Next(bytes.Length);
                var insert = new byte[random.Next(1, 64)];
                random.NextBytes(insert);
                return [.. bytes[..at], .. insert, .. bytes[at..]];
            default:
                int start = random.Next(bytes.Length);
                var run = bytes.AsSpan(start, Math.Min(bytes.Length - start, random.Next(1, 256)));
                random.NextBytes(run);
                return bytes;
        }
    }
}

/// <summary>Every generated state reader rejects damaged state with a <see cref="Rtcr.Recording.StateFormatException"/>.</summary>
public sealed class StateFuzzTests
{
    [Fact]
    public void Damaged_session_states_are_rejected_with_a_typed_error_or_read()
    {
        var (host, _, image) = Images.Checkpointed(Scenario.WriterRandom, 2);
        using var _h = host;
        var registry = Rtcr.Sessions.SessionRecorders.CreateRegistry();
        var random = new Random(11);
        foreach (var session in image.Manifest.Sessions)
        {
            var replayer = registry.GetReplayer(session.Service);
            int truncations = 0, truncationsRejected = 0;
            for (int round = 0; round < 200; round++)
            {
                var bytes = (byte[])session.State.Clone();
                bool truncated = round % 2 == 0;
                if (truncated) bytes = bytes[..random.Next(bytes.Length)];
                else bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                truncations += truncated ? 1 : 0;
                try
                {
                    var reader = new Rtcr.Recording.StateReader(bytes);
                    replayer.Read(ref reader);
                }
                catch (Rtcr.Recording.StateFormatException) when (truncated)
                {
                    truncationsRejected++;
                }
                catch (Rtcr.Recording.StateFormatException)
                {
                    // A flipped bit may or may not make the state unreadable; rejecting it typed is right.
                }
            }
            Assert.Equal(truncations, truncationsRejected);
        }
    }
}
