using Rtcr.Sessions;

namespace Rtcr.Samples;

/// <summary>The sample components by name, with their default configs.</summary>
public static class SampleCatalog
{
    /// <summary>Names of the available components.</summary>
    public static IReadOnlyList<string> Names { get; } = ["sheep_counter", "memory_writer"];

    /// <summary>Creates the program of a component.</summary>
    /// <exception cref="KeyNotFoundException">No component has that name.</exception>
    public static IComponentProgram Create(string name) => name switch
    {
        "sheep_counter" => new SheepCounter(),
        "memory_writer" => new MemoryWriter(),
        _ => throw new KeyNotFoundException($"unknown component '{name}' (available: {string.Join(", ", Names)})"),
    };

    /// <summary>The config a component gets when none is given.</summary>
    public static string DefaultConfig(string name) => name switch
    {
        "sheep_counter" => "<config start=\"1\" interval_ms=\"1000\"/>",
        "memory_writer" => "<config working_set=\"1M\" pattern=\"sequential\" rate=\"100000\" interval_ms=\"100\" seed=\"1\"/>",
        _ => throw new KeyNotFoundException($"unknown component '{name}' (available: {string.Join(", ", Names)})"),
    };
}
