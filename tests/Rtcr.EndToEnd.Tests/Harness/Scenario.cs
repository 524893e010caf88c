namespace Rtcr.EndToEnd.Tests.Harness;

/// <summary>A sample component with a config, run for <see cref="Ticks"/> ticks.</summary>
public sealed record Scenario(string Component, string Config, int Ticks)
{
    public static readonly Scenario Sheep = new("sheep_counter", "<config start=\"7\" interval_ms=\"250\"/>", 8);
    public static readonly Scenario WriterRandom = new("memory_writer", "<config working_set=\"64K\" pattern=\"random\" rate=\"20000\" interval_ms=\"50\" seed=\"42\"/>", 8);
    public static readonly Scenario WriterHotspot = new("memory_writer", "<config working_set=\"128K\" pattern=\"hotspot\" rate=\"5000\" interval_ms=\"20\" seed=\"7\"/>", 8);

    public static Scenario ByName(string name) => name switch
    {
        "sheep" => Sheep,
        "writer-random" => WriterRandom,
        "writer-hotspot" => WriterHotspot,
        _ => throw new ArgumentException(name),
    };

    public override string ToString() => Component;
}
