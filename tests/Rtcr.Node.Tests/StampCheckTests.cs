using Rtcr.Samples;
using Rtcr.Sessions;

namespace Rtcr.Node.Tests;

/// <summary>The memory_writer stamp pattern and its check, in virtual time.</summary>
public sealed class StampCheckTests
{
    private const string Config = "<config working_set=\"64K\" pattern=\"stamp\" rate=\"10000\" interval_ms=\"10\" seed=\"1\"/>";

    [Fact]
    public void Every_page_holds_the_stamp_the_write_count_implies()
    {
        using var host = new ComponentHost();
        var child = host.Start(new MemoryWriter(), Config);
        host.RunTicks(child, 10);
        child.Env.Domain.Freeze();
        var result = StampCheck.Verify(child)!;
        Assert.True(result.Ok, result.ToString());
        Assert.Equal(16, result.Pages);
        // 10 ticks of 10 ms at 10000 writes/s: many sweeps over 16 pages.
        Assert.True(result.Count > 16 * 5, $"count {result.Count}");
    }

    [Fact]
    public void A_page_with_a_stale_stamp_is_found()
    {
        using var host = new ComponentHost();
        var child = host.Start(new MemoryWriter(), Config);
        host.RunTicks(child, 5);
        child.Env.Domain.Freeze();
        var memory = child.Env.Memory;
        long page5 = MemoryWriter.WorkingSetAddress + 5 * StampCheck.PageSize;
        memory.Write(page5, memory.Read<long>(page5) - 1);
        var result = StampCheck.Verify(child)!;
        Assert.False(result.Ok);
        Assert.Equal(1, result.BadPages);
        Assert.Contains("page 5", result.FirstBad);
    }

    [Fact]
    public void Expected_stamps_follow_the_sweeps()
    {
        // 4 pages, 6 writes: sweep 1 covered pages 0..3, sweep 2 pages 0..1.
        Assert.Equal([2L, 2, 1, 1], Enumerable.Range(0, 4).Select(p => StampCheck.Expected(6, 4, p)));
        Assert.Equal([1L, 0, 0, 0], Enumerable.Range(0, 4).Select(p => StampCheck.Expected(1, 4, p)));
        Assert.Equal([0L, 0], Enumerable.Range(0, 2).Select(p => StampCheck.Expected(0, 2, p)));
    }

    [Fact]
    public void Other_patterns_are_not_stamp_checked()
    {
        using var host = new ComponentHost();
        var child = host.Start(new MemoryWriter(), "<config working_set=\"64K\" pattern=\"random\"/>");
        host.RunTicks(child, 1);
        Assert.Null(StampCheck.Verify(child));
        var sheep = host.Start(new SheepCounter(), "<config/>");
        Assert.Null(StampCheck.Verify(sheep));
    }
}
