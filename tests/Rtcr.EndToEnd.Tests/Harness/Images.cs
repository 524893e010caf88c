using Rtcr.Checkpoint;
using Rtcr.Image;
using Rtcr.Samples;
using Rtcr.Sessions;

namespace Rtcr.EndToEnd.Tests.Harness;

/// <summary>Images of sample children for tests that take images apart.</summary>
internal static class Images
{
    public static (ComponentHost Host, Child Child, CheckpointImage Image) Checkpointed(Scenario scenario, int ticks)
    {
        var host = new ComponentHost();
        var child = host.Start(SampleCatalog.Create(scenario.Component), scenario.Config);
        host.RunTicks(child, ticks);
        return (host, child, host.Checkpoint(child));
    }

    public static byte[] Bytes(CheckpointImage image, ImageCompression compression = ImageCompression.None)
    {
        var ms = new MemoryStream();
        ImageWriter.Write(image, ms, compression);
        return ms.ToArray();
    }

    public static ulong Schema => SessionRecorders.Schema;

    public static CheckpointImage Read(byte[] bytes) => ImageReader.Read(new MemoryStream(bytes), "test", Schema);
}
