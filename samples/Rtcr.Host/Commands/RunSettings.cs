using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Rtcr.Host.Commands;

/// <summary>Options of <c>rtcr run</c>.</summary>
internal sealed class RunSettings : CheckpointSettings
{
    [CommandArgument(0, "<component>")]
    [Description("Component to run: sheep_counter or memory_writer.")]
    public string Component { get; init; } = "";

    [CommandOption("--config <FILE>")]
    [Description("File whose content becomes the component's ROM module 'config' (default: the sample's built-in config).")]
    public string? ConfigFile { get; init; }

    [CommandOption("--ticks <N>")]
    [Description("Stop after N ticks (a tick is one delivered Timer signal whose handler has completed).")]
    public long? Ticks { get; init; }

    [CommandOption("--for <DURATION>")]
    [Description("Stop after this much (virtual or real) time, e.g. 500ms, 10s, 2m.")]
    public string? For { get; init; }

    [CommandOption("--virtual-time")]
    [Description("Run deterministically on a virtual clock (time advances event by event, as fast as possible).")]
    public bool VirtualTime { get; init; }

    [CommandOption("--ram-quota <SIZE>")]
    [Description("RAM quota of the child's PD (e.g. 512M, 2G; default 256M). The working set must fit in it.")]
    public string? RamQuota { get; init; }

    [CommandOption("--cap-quota <N>")]
    [Description("Capability quota of the child's PD (default 1000).")]
    public long? CapQuota { get; init; }

    [CommandOption("--digest")]
    [Description("Print a digest of the component's memory when the run ends.")]
    public bool Digest { get; init; }

    [CommandOption("--no-warm-up")]
    [Description("Skip running the checkpoint path once before the child starts (the first checkpoint's pause then includes JIT and serializer setup; for measuring that cost).")]
    public bool NoWarmUp { get; init; }

    [CommandOption("--plain")]
    [Description("Print LOG lines without colour markup.")]
    public bool Plain { get; init; }

    /// <summary>The resources granted to the child.</summary>
    public Sessions.ChildOptions ChildOptions(Tracking.TrackingOptions? tracking)
    {
        var options = new Sessions.ChildOptions { Tracking = tracking };
        if (RamQuota is not null && ByteSize.TryParse(RamQuota, out long ram)) options = options with { RamQuota = ram };
        if (CapQuota is long caps) options = options with { CapQuota = caps };
        return options;
    }

    public override ValidationResult Validate()
    {
        if (ValidateCheckpointing() is { Successful: false } bad) return bad;
        if (Ticks is not null && For is not null) return ValidationResult.Error("give either --ticks or --for, not both");
        if (Ticks is < 1) return ValidationResult.Error("--ticks must be at least 1");
        if (For is not null && !Duration.TryParseMicroseconds(For, out _)) return ValidationResult.Error($"--for: '{For}' is not a duration (examples: 500ms, 2s, 1.5m)");
        if (ConfigFile is not null && !File.Exists(ConfigFile)) return ValidationResult.Error($"--config: file '{ConfigFile}' does not exist");
        if (RamQuota is not null && !(ByteSize.TryParse(RamQuota, out long ram) && ram >= 1024 * 1024))
            return ValidationResult.Error($"--ram-quota: '{RamQuota}' is not a size of at least 1M (examples: 512M, 2G)");
        if (CapQuota is < 16) return ValidationResult.Error("--cap-quota must be at least 16");
        return ValidationResult.Success();
    }
}
