using Rtcr.Services;

namespace Rtcr.Sessions;

/// <summary>Core's seven services, ready to be offered by a parent.</summary>
public static class CoreServices
{
    /// <summary>Service names in restore order.</summary>
    public static readonly IReadOnlyList<string> Names = ["PD", "RAM", "RM", "CPU", "ROM", "LOG", "Timer"];

    /// <summary>Creates the services, with LOG lines going to <paramref name="log"/> and ROM modules from <paramref name="roms"/>.</summary>
    public static IReadOnlyList<IService> Create(ILogSink log, RomModules roms) =>
    [
        new CoreService("PD", r => new PdSessionComponent(r.Client)),
        new CoreService("RAM", r => new RamSessionComponent(r.Client, r.Args.Label, r.Args.RamQuota, r.Args.CapQuota)),
        new CoreService("RM", r => new RmSessionComponent(r.Client, r.Args.Label, r.Args.RamQuota, r.Args.CapQuota)),
        new CoreService("CPU", r => new CpuSessionComponent(r.Client, r.Args.Label, r.Args.RamQuota, r.Args.CapQuota)),
        new CoreService("ROM", r => new RomSessionComponent(r.Client, ModuleName(r.Args.Label), roms)),
        new CoreService("LOG", r => new LogSessionComponent(r.Args.Label, log)),
        new CoreService("Timer", r => new TimerSessionComponent(r.Client)),
    ];

    /// <summary>Registers the core services at a parent.</summary>
    public static void AddTo(Parent parent, ILogSink log, RomModules roms)
    {
        foreach (var service in Create(log, roms)) parent.AddCoreService(service);
    }

    // Genode labels are "parent -> child -> module"; the ROM module is the last element.
    private static string ModuleName(string label)
    {
        int i = label.LastIndexOf("->", StringComparison.Ordinal);
        return (i < 0 ? label : label[(i + 2)..]).Trim();
    }
}
