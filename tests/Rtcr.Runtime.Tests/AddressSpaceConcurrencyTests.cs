using Rtcr.Memory;

namespace Rtcr.Runtime.Tests;

/// <summary>
/// A component's entrypoint and CPU threads share one address space and its translation cache.
/// Two threads hammering two regions that fall into the same cache slot must each always reach
/// their own region (a torn cache entry once sent a write to a wrong native address).
/// </summary>
public sealed class AddressSpaceConcurrencyTests
{
    [Fact]
    public void Threads_sharing_an_address_space_always_reach_their_own_region()
    {
        const long a = 0x1000_0000, b = a + 64 * 65536; // same direct-map slot (64 slots of 64 KiB)
        var root = new RegionMap("root", 1L << 32);
        using var ramA = new RamDataspace(65536);
        using var ramB = new RamDataspace(65536);
        root.Attach(ramA, at: a);
        root.Attach(ramB, at: b);
        var memory = new AddressSpace(root);
        for (long i = 0; i < 65536; i += 8)
        {
            memory.Write(a + i, 0x1111_1111_1111_1111L);
            memory.Write(b + i, 0x2222_2222_2222_2222L);
        }

        void Hammer(long start, long expected, ref long wrong)
        {
            for (int round = 0; round < 2_000_000; round++)
            {
                long address = start + (round * 8L % 65536);
                if (memory.Read<long>(address) != expected) wrong++;
                memory.Write(address, expected);
            }
        }
        long wa = 0, wb = 0;
        var t1 = new Thread(() => Hammer(a, 0x1111_1111_1111_1111L, ref wa));
        var t2 = new Thread(() => Hammer(b, 0x2222_2222_2222_2222L, ref wb));
        t1.Start();
        t2.Start();
        t1.Join();
        t2.Join();
        Assert.Equal(0, wa);
        Assert.Equal(0, wb);
    }
}
