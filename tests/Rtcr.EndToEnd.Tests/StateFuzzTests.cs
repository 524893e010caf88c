using Rtcr.EndToEnd.Tests.Harness;

namespace Rtcr.EndToEnd.Tests;

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
