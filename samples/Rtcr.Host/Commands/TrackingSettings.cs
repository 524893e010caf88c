using Rtcr.Tracking;
using Spectre.Console;

namespace Rtcr.Host.Commands;

/// <summary>Turns the incremental-checkpoint options of <c>run</c> and <c>restore</c> into <see cref="TrackingOptions"/>.</summary>
internal static class TrackingSettings
{
    public const string GranularityHelp = "Size of a designated dataspace: a power of two from 4K to 4M (e.g. 64K), or 'adaptive' (starts at 64K, splits and merges per 4 MiB block from the faults seen). Default 64K.";
    public const string ModeHelp = "What dirties a designated dataspace: 'write' (default; read-only until the first write) or 'access' (detached until the first access, as the original Rtcr).";

    /// <summary>An error message for invalid values, or null.</summary>
    public static string? Problem(string? granularity, string? mode)
    {
        if (granularity is not null && !granularity.Equals("adaptive", StringComparison.OrdinalIgnoreCase))
        {
            if (!ByteSize.TryParse(granularity, out long g)) return $"--granularity: '{granularity}' is neither a size (4K … 4M) nor 'adaptive'";
            try { TrackingOptions.CheckSize("--granularity", g); }
            catch (ArgumentException ex) { return ex.Message; }
        }
        if (mode is not null && !mode.Equals("write", StringComparison.OrdinalIgnoreCase) && !mode.Equals("access", StringComparison.OrdinalIgnoreCase))
            return $"--tracking: '{mode}' is neither 'write' nor 'access'";
        return null;
    }

    public static ValidationResult Validate(bool incremental, string? granularity, string? mode)
    {
        if (!incremental && (granularity is not null || mode is not null))
            return ValidationResult.Error("--granularity and --tracking only apply with --incremental");
        return Problem(granularity, mode) is { } problem ? ValidationResult.Error(problem) : ValidationResult.Success();
    }

    public static TrackingOptions? Create(bool incremental, string? granularity, string? mode)
    {
        if (!incremental) return null;
        bool adaptive = granularity?.Equals("adaptive", StringComparison.OrdinalIgnoreCase) == true;
        long size = 64 * 1024;
        if (granularity is not null && !adaptive) ByteSize.TryParse(granularity, out size);
        return new TrackingOptions
        {
            Granularity = size,
            Adaptive = adaptive ? new AdaptiveGranularity() : null,
            Mode = mode?.Equals("access", StringComparison.OrdinalIgnoreCase) == true ? TrackingMode.Access : TrackingMode.Write,
        };
    }
}
