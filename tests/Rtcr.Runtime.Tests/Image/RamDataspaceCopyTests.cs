using Rtcr.Memory;

namespace Rtcr.Runtime.Tests.Image;

public sealed class RamDataspaceCopyTests
{
    [Fact]
    public void A_copy_from_a_live_dataspace_gets_its_content_and_one_from_a_freed_dataspace_is_refused()
    {
        var ram = new RamDataspace(3 * 4096);
        ram.GetSpan(0, 3 * 4096).Fill(0x3c);
        var into = new byte[3 * 4096];

        Assert.True(ram.TryCopyWhileOwned(into));
        Assert.All(into, b => Assert.Equal(0x3c, b));

        ram.Dispose();
        Array.Clear(into);
        Assert.False(ram.TryCopyWhileOwned(into));
        Assert.All(into, b => Assert.Equal(0, b));
    }

    [Fact]
    public async Task Copies_racing_with_the_free_either_copy_everything_or_nothing()
    {
        for (int round = 0; round < 50; round++)
        {
            var ram = new RamDataspace(64 * 1024);
            ram.GetSpan(0, 64 * 1024).Fill(0x77);
            var into = new byte[64 * 1024];
            var copier = Task.Run(() =>
            {
                int copies = 0;
                while (ram.TryCopyWhileOwned(into)) copies++;
                return copies;
            }, TestContext.Current.CancellationToken);
            ram.Dispose();
            // Bounded: once freed, the copier's next attempt is refused.
            int copied = await copier.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            if (copied > 0) Assert.All(into, b => Assert.Equal(0x77, b));
        }
    }
}
