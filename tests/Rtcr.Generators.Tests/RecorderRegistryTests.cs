using Rtcr.Recording;
using Rtcr.Sessions;

namespace Rtcr.Generators.Tests;

/// <summary>A registry holds one recorder per service name and says so when a second one arrives.</summary>
public sealed class RecorderRegistryTests
{
    [Fact]
    public void Registering_a_service_name_twice_throws_and_keeps_the_first()
    {
        var registry = SessionRecorders.CreateRegistry();
        var rom = registry.GetReplayer("ROM");

        var error = Assert.Throws<InvalidOperationException>(() => SessionRecorders.Register(registry));

        Assert.Contains("'", error.Message);
        Assert.Contains("registered already", error.Message);
        Assert.Same(rom, registry.GetReplayer("ROM"));
    }
}
