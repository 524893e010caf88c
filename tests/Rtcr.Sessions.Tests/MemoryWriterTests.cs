using Rtcr.Memory;
using Rtcr.Samples;
using Rtcr.Sessions;

namespace Rtcr.Sessions.Tests;

public sealed class MemoryWriterTests
{
    // Offset of the write counter in memory_writer's state page (MemoryWriter.CountOffset).
    private const long CountAddress = MemoryWriter.StateAddress;

    private static (ComponentHost Host, Child Child) Start(string config)
    {
        var host = TestHosts.New();
        return (host, host.Start(new MemoryWriter(), config));
    }

    private static long[] WorkingSet(Child child, int bytes)
    {
        var buffer = new byte[bytes];
        child.Env.Memory.Read(MemoryWriter.WorkingSetAddress, buffer);
        var words = new long[bytes / 8];
        Buffer.BlockCopy(buffer, 0, words, 0, bytes);
        return words;
    }

    [Fact]
    public void Memory_writer_reports_the_configured_number_of_writes_per_tick()
    {
        var (host, child) = Start("<config working_set=\"64K\" pattern=\"sequential\" rate=\"100000\" interval_ms=\"10\"/>");
        using var _ = host;

        host.RunTicks(child, 3);

        // 100000 writes/s for 10 ms = 1000 writes per tick.
        Assert.Equal(["[memory_writer] tick 1: 1000 writes", "[memory_writer] tick 2: 2000 writes", "[memory_writer] tick 3: 3000 writes"],
            ((CollectingLogSink)host.Log).Lines);
        Assert.Equal(30_000, host.Kernel.Clock.NowMicroseconds);
    }

    [Theory]
    [InlineData("sequential")]
    [InlineData("random")]
    [InlineData("hotspot")]
    public void Write_counts_per_tick_and_memory_are_identical_across_two_runs(string pattern)
    {
        (IReadOnlyList<string> Lines, long[] Memory) Run()
        {
            var (host, child) = Start($"<config working_set=\"64K\" pattern=\"{pattern}\" rate=\"50000\" interval_ms=\"20\" seed=\"7\"/>");
            using var _ = host;
            host.RunTicks(child, 4);
            return (((CollectingLogSink)host.Log).Lines, WorkingSet(child, 64 * 1024));
        }

        var first = Run();
        var second = Run();

        Assert.Equal(4, first.Lines.Count);
        Assert.Equal(first.Lines, second.Lines);
        Assert.Equal(first.Memory, second.Memory);
    }

    [Fact]
    public void Sequential_pattern_writes_each_word_its_write_index_in_order()
    {
        var (host, child) = Start("<config working_set=\"64K\" pattern=\"sequential\" rate=\"100000\" interval_ms=\"10\"/>");
        using var _ = host;
        host.RunTicks(child, 2);
        long count = child.Env.Memory.Read<long>(CountAddress);
        var words = WorkingSet(child, 64 * 1024);

        Assert.True(count > 0 && count < words.Length);
        for (long i = 0; i < count; i++) Assert.Equal(i, words[i]);
        Assert.All(words[(int)count..], w => Assert.Equal(0, w));
    }

    [Theory]
    [InlineData("sequential")]
    [InlineData("random")]
    [InlineData("hotspot")]
    public void Every_pattern_writes_inside_the_working_set(string pattern)
    {
        // A write outside the working set would hit unmapped memory and fail the run with a page fault.
        var (host, child) = Start($"<config working_set=\"64K\" pattern=\"{pattern}\" rate=\"200000\" interval_ms=\"10\" seed=\"3\"/>");
        using var _ = host;
        host.RunTicks(child, 3);
        long count = child.Env.Memory.Read<long>(CountAddress);
        var words = WorkingSet(child, 64 * 1024);

        // 2000 writes per tick; at the third tick's instant the entrypoint reports first, then the
        // writer's batch due at that same instant runs.
        Assert.Equal(["[memory_writer] tick 1: 2000 writes", "[memory_writer] tick 2: 4000 writes", "[memory_writer] tick 3: 6000 writes"],
            ((CollectingLogSink)host.Log).Lines);
        Assert.Equal(6200, count);
        Assert.All(words, w => Assert.InRange(w, 0, count - 1));
        Assert.Equal(count - 1, words.Max()); // the last write landed in the working set
        Assert.Null(child.Env.Domain.Threads.Single().Failure);
    }

    [Fact]
    public void Hotspot_pattern_concentrates_writes_in_the_first_tenth_and_random_spreads_them()
    {
        static (double Hot, double Cold) Density(string pattern)
        {
            var (host, child) = Start($"<config working_set=\"64K\" pattern=\"{pattern}\" rate=\"500000\" interval_ms=\"10\" seed=\"11\"/>");
            using var _ = host;
            host.RunTicks(child, 1);
            var words = WorkingSet(child, 64 * 1024);
            int hot = words.Length / 10;
            return (words[..hot].Count(w => w != 0) / (double)hot, words[hot..].Count(w => w != 0) / (double)(words.Length - hot));
        }

        var hotspot = Density("hotspot");
        var random = Density("random");

        Assert.True(hotspot.Hot > 0.9, $"hotspot filled {hotspot.Hot:P0} of the hot tenth");
        Assert.True(hotspot.Cold < 0.5, $"hotspot filled {hotspot.Cold:P0} of the rest");
        Assert.True(Math.Abs(random.Hot - random.Cold) < 0.15, $"random: hot {random.Hot:P0}, cold {random.Cold:P0}");
    }

    [Fact]
    public void Memory_writer_runs_a_cpu_thread_created_through_its_cpu_session()
    {
        var (host, child) = Start("<config working_set=\"8K\"/>");
        using var _ = host;

        var thread = Assert.Single(child.Env.Domain.Threads);

        Assert.Equal("memory_writer:writer", thread.Name);
        Assert.Equal(1, child.Env.Cpu.ThreadCount());
        Assert.Equal(MemoryWriter.StateAddress, thread.GetState().Sp);
    }

    [Theory]
    [InlineData("<config pattern=\"zigzag\"/>", "attribute pattern=\"zigzag\" must be one of: sequential, random, hotspot")]
    [InlineData("<config working_set=\"1X\"/>", "attribute working_set=\"1X\" has an unknown unit (use K, M or G)")]
    [InlineData("<config working_set=\"lots\"/>", "attribute working_set=\"lots\" has an unknown unit")]
    [InlineData("<config working_set=\"1.5M\"/>", "attribute working_set=\"1.5M\" is not a size")]
    [InlineData("<config working_set=\"1K\"/>", "attribute working_set=1024 is out of range")]
    [InlineData("<config rate=\"0\"/>", "attribute rate=0 is out of range")]
    [InlineData("<memory_writer/>", "root element is <memory_writer>, expected <config>")]
    public void Bad_memory_writer_config_gives_a_ConfigException(string config, string expected)
    {
        using var host = TestHosts.New();

        var ex = Assert.Throws<ConfigException>(() => host.Start(new MemoryWriter(), config));

        Assert.Equal("memory_writer", ex.Component);
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void Sample_catalog_creates_the_samples_by_name_and_rejects_unknown_ones()
    {
        Assert.IsType<SheepCounter>(SampleCatalog.Create("sheep_counter"));
        Assert.IsType<MemoryWriter>(SampleCatalog.Create("memory_writer"));

        var ex = Assert.Throws<KeyNotFoundException>(() => SampleCatalog.Create("cow_counter"));
        Assert.Contains("sheep_counter, memory_writer", ex.Message);
        Assert.Throws<KeyNotFoundException>(() => SampleCatalog.DefaultConfig("cow_counter"));
        Assert.All(SampleCatalog.Names, n => ComponentConfig.Parse(n, SampleCatalog.DefaultConfig(n)));
    }
}
