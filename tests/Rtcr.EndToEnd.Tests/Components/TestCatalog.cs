using Rtcr.Samples;
using Rtcr.Sessions;

namespace Rtcr.EndToEnd.Tests.Components;

/// <summary>The adversarial test components by name, next to the samples (unknown names go to <see cref="SampleCatalog"/>).</summary>
internal static class TestCatalog
{
    public static IReadOnlyList<string> Adversarial { get; } = ["churn", "lazy_pager", "thread_states", "twin_timers", "signal_dropper", "attached_free"];

    public static IComponentProgram Create(string name) => name switch
    {
        "churn" => new Churn(),
        "lazy_pager" => new LazyPager(),
        "thread_states" => new ThreadStates(),
        "twin_timers" => new TwinTimers(),
        "signal_dropper" => new SignalDropper(),
        "attached_free" => new AttachedFree(),
        _ => SampleCatalog.Create(name),
    };

    public static string Config(string name) => name switch
    {
        "sheep_counter" or "memory_writer" => SampleCatalog.DefaultConfig(name),
        _ => "<config/>",
    };
}
