using Rtcr.Samples;
using Rtcr.Sessions;

namespace Rtcr.Sessions.Tests;

public sealed class SheepCounterTests
{
    [Fact]
    public void Sheep_counter_prints_one_line_per_tick_from_the_configured_start_in_virtual_time()
    {
        using var host = TestHosts.New();
        var child = host.Start(new SheepCounter(), "<config start=\"5\" interval_ms=\"250\"/>");

        host.RunTicks(child, 5);

        var log = (CollectingLogSink)host.Log;
        Assert.Equal(
            ["[sheep_counter] 5 sheep. zzZ", "[sheep_counter] 6 sheep. zzZ", "[sheep_counter] 7 sheep. zzZ",
             "[sheep_counter] 8 sheep. zzZ", "[sheep_counter] 9 sheep. zzZ"],
            log.Lines);
        Assert.Equal(1_250_000, host.Kernel.Clock.NowMicroseconds);
        Assert.Equal(5, host.Ticks(child));
    }

    [Fact]
    public void Sheep_counter_with_the_default_config_starts_at_one_sheep_every_second()
    {
        using var host = TestHosts.New();
        var child = host.Start(new SheepCounter(), SampleCatalog.DefaultConfig("sheep_counter"));

        host.RunTicks(child, 3);

        Assert.Equal(["[sheep_counter] 1 sheep. zzZ", "[sheep_counter] 2 sheep. zzZ", "[sheep_counter] 3 sheep. zzZ"],
            ((CollectingLogSink)host.Log).Lines);
        Assert.Equal(3_000_000, host.Kernel.Clock.NowMicroseconds);
    }

    [Fact]
    public void Absent_attributes_take_their_defaults()
    {
        using var host = TestHosts.New();
        var child = host.Start(new SheepCounter(), "<config/>");

        host.RunTicks(child, 1);

        Assert.Equal(["[sheep_counter] 1 sheep. zzZ"], ((CollectingLogSink)host.Log).Lines);
        Assert.Equal(1_000_000, host.Kernel.Clock.NowMicroseconds);
    }

    [Fact]
    public void Sheep_counter_keeps_its_counter_in_ram_dataspace_memory()
    {
        using var host = TestHosts.New();
        var child = host.Start(new SheepCounter(), "<config start=\"40\" interval_ms=\"10\"/>");

        host.RunTicks(child, 2);
        Assert.Equal(42, child.Env.Memory.Read<long>(SheepCounter.StateAddress));

        // Changing the memory changes what it prints next: the state is there and nowhere else.
        child.Env.Memory.Write(SheepCounter.StateAddress, 100L);
        host.RunTicks(child, 3);

        Assert.Equal("[sheep_counter] 100 sheep. zzZ", ((CollectingLogSink)host.Log).Lines[^1]);
    }

    [Fact]
    public void Sheep_counter_output_is_identical_across_two_runs()
    {
        static IReadOnlyList<string> Run()
        {
            using var host = TestHosts.New();
            var child = host.Start(new SheepCounter(), "<config start=\"3\" interval_ms=\"7\"/>");
            host.RunTicks(child, 20);
            return ((CollectingLogSink)host.Log).Lines;
        }

        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void Sheep_counter_opens_its_sessions_through_the_parent()
    {
        using var host = TestHosts.New();
        var child = host.Start(new SheepCounter(), "<config/>");

        var services = child.Sessions.Select(s => s.Service).ToArray();

        Assert.Equal(["PD", "RAM", "CPU", "RM", "ROM", "LOG", "Timer"], services);
        Assert.Equal("sheep_counter -> config", child.Sessions.Single(s => s.Service == "ROM").Args.Label);
    }

    [Theory]
    [InlineData("<config start=\"1\"", "not well-formed XML")]
    [InlineData("<settings start=\"1\"/>", "root element is <settings>, expected <config>")]
    [InlineData("<config start=\"five\"/>", "attribute start=\"five\" is not an integer")]
    [InlineData("<config interval_ms=\"1.5\"/>", "attribute interval_ms=\"1.5\" is not an integer")]
    [InlineData("<config interval_ms=\"0\"/>", "attribute interval_ms=0 is out of range [1, 86400000]")]
    [InlineData("<config start=\"-1\"/>", "attribute start=-1 is out of range")]
    [InlineData("", "the ROM module 'config' is empty")]
    [InlineData("   ", "the ROM module 'config' is empty")]
    public void Bad_config_gives_a_ConfigException_with_a_clear_message(string config, string expected)
    {
        using var host = TestHosts.New();

        var ex = Assert.Throws<ConfigException>(() => host.Start(new SheepCounter(), config));

        Assert.Equal("sheep_counter", ex.Component);
        Assert.StartsWith("sheep_counter: bad config: ", ex.Message);
        Assert.Contains(expected, ex.Message);
        Assert.Empty(((CollectingLogSink)host.Log).Lines);
        Assert.Null(host.Kernel.NextEventMicroseconds); // no timer was programmed
    }

    [Fact]
    public void Malformed_xml_error_names_the_position()
    {
        var ex = Assert.Throws<ConfigException>(() => ComponentConfig.Parse("c", "<config>\n  <oops></config>"));

        Assert.Contains("line 2", ex.Message);
    }
}
