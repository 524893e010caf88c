using System.Globalization;

namespace Rtcr.Benchmarks.Tracking;

/// <summary>Command-line options of the <c>incremental</c> measurement.</summary>
public sealed record IncrementalOptions
{
    /// <summary>Working-set size in MiB.</summary>
    public int SizeMiB { get; init; } = 256;

    /// <summary>Measured epochs per configuration.</summary>
    public int Epochs { get; init; } = 6;

    /// <summary>Epochs run (and checkpointed) before the measured ones, so adaptive mode can settle.</summary>
    public int Warmup { get; init; } = 12;

    /// <summary>memory_writer rate in writes per second (one epoch is 100 ms of the child's time).</summary>
    public long Rate { get; init; } = 100_000;

    /// <summary>memory_writer patterns to sweep.</summary>
    public IReadOnlyList<string> Patterns { get; init; } = ["sequential", "random", "hotspot"];

    /// <summary>Whether to run the granularity sweep.</summary>
    public bool Sweep { get; init; } = true;

    /// <summary>Whether to run the 1%-dirty measurement.</summary>
    public bool OnePercent { get; init; } = true;

    /// <summary>Whether to run the threaded fault-cost measurement.</summary>
    public bool Threaded { get; init; } = true;

    /// <summary>Where to write the trade-off plot (PNG), or null for none.</summary>
    public string? PlotPath { get; init; }

    /// <summary>
    /// Parses <c>--size MiB --epochs N --warmup N --rate R --patterns a,b --plot FILE --only sweep|dirty1|threaded</c>.
    /// </summary>
    /// <exception cref="ArgumentException">An option is unknown or its value is missing or invalid.</exception>
    public static IncrementalOptions Parse(IReadOnlyList<string> args)
    {
        var o = new IncrementalOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"option '{name}' needs a value");
            int Positive() => int.TryParse(Value(), CultureInfo.InvariantCulture, out int v) && v > 0 ? v : throw new ArgumentException($"option '{name}' needs a positive integer");
            o = name switch
            {
                "--size" => o with { SizeMiB = Positive() },
                "--epochs" => o with { Epochs = Positive() },
                "--warmup" => o with { Warmup = Positive() },
                "--rate" => o with { Rate = Positive() },
                "--patterns" => o with { Patterns = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                "--plot" => o with { PlotPath = Value() },
                "--only" => Value() switch
                {
                    "sweep" => o with { OnePercent = false, Threaded = false },
                    "dirty1" => o with { Sweep = false, Threaded = false },
                    "threaded" => o with { Sweep = false, OnePercent = false },
                    var other => throw new ArgumentException($"--only takes 'sweep', 'dirty1' or 'threaded', not '{other}'"),
                },
                _ => throw new ArgumentException($"unknown option '{name}' of 'incremental'"),
            };
        }
        foreach (var p in o.Patterns)
            if (p is not ("sequential" or "random" or "hotspot")) throw new ArgumentException($"unknown pattern '{p}' (sequential, random, hotspot)");
        return o;
    }
}
