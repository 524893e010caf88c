using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using Rtcr.Benchmarks.Checkpoint;
using Rtcr.Benchmarks.Execution;
using Rtcr.Benchmarks.Image;
using Rtcr.Benchmarks.Tracking;
using Rtcr.Benchmarks.Migration;

namespace Rtcr.Benchmarks;

/// <summary>
/// Entry point: BenchmarkDotNet suites by filter (<c>--filter '*Name*'</c>), or one of the custom
/// measurements that report distributions or sizes rather than mean times.
/// </summary>
public static class Program
{
    private const string Usage = """
        usage:
          dotnet run -c Release --project bench/Rtcr.Benchmarks -- --filter '*Name*' [BenchmarkDotNet options]
          dotnet run -c Release --project bench/Rtcr.Benchmarks -- pause-latency [--samples N]
          dotnet run -c Release --project bench/Rtcr.Benchmarks -- checkpoint-pause [--sizes 16,64,256,1024] [--iterations N]
          dotnet run -c Release --project bench/Rtcr.Benchmarks -- image-size [--sizes 16,64,256,1024] [--iterations N]
          dotnet run -c Release --project bench/Rtcr.Benchmarks -- incremental [--size 256] [--epochs 6] [--warmup 12] [--rate 100000]
              [--patterns sequential,random,hotspot] [--only sweep|dirty1|threaded] [--plot docs/incremental-tradeoff.png]
          dotnet run -c Release --project bench/Rtcr.Benchmarks -- migration [--working-set 256] [--rates 1,10,100] [--max-downtime-ms 20]
          dotnet run -c Release --project bench/Rtcr.Benchmarks -- peak-rss [--size 256] [--checkpoints 10]
          dotnet run -c Release --project bench/Rtcr.Benchmarks -- codec-throughput [--size 64] [--iterations 5] [--codecs lz4delta,lz4,zstd,deflate] [--data writer,zero,random]
          dotnet run -c Release --project bench/Rtcr.Benchmarks -- first-checkpoint [--processes 5] [--steady 7] [--without-warm-up]
          dotnet run -c Release --project bench/Rtcr.Benchmarks -- first-checkpoint-once sheep_counter|memory_writer warm|cold [STEADY] [--list-jit]
          dotnet run -c Release --project bench/Rtcr.Benchmarks -- restore-objects [--sizes 1000,10000,100000,200000] [--iterations 3] [--profile]
        """;

    /// <summary>Runs the selected suite or measurement.</summary>
    public static int Main(string[] args)
    {
        string command = args.Length > 0 ? args[0] : "";
        switch (command)
        {
            case "pause-latency":
                PauseLatency.Run(Option(args, "--samples", 500));
                return 0;
            case "checkpoint-pause":
                CheckpointPause.Run(Sizes(args), Option(args, "--iterations", 6));
                return 0;
            case "image-size":
                ImageSizeReport.Run(Sizes(args), Option(args, "--iterations", 3));
                return 0;
            case "incremental":
                IncrementalOptions options;
                try
                {
                    options = IncrementalOptions.Parse(args[1..]);
                }
                catch (ArgumentException ex)
                {
                    Console.Error.WriteLine($"incremental: {ex.Message}");
                    Console.Error.WriteLine(Usage);
                    return 2;
                }
                IncrementalMeasurement.Run(options);
                return 0;
            case "migration":
                // --rates in tenths of a percent of the working set per second (1 = 0.1 %/s).
                MigrationReport.RunAsync(Option(args, "--working-set", 256), List(args, "--rates", [1, 10, 100]), Option(args, "--max-downtime-ms", 20)).GetAwaiter().GetResult();
                return 0;
            case "peak-rss":
                DataPath.PeakRss.Run(Option(args, "--size", 256), Option(args, "--checkpoints", 10));
                return 0;
            case "peak-rss-once": // one mode of peak-rss, in its own process
                DataPath.PeakRss.Once(args[1] == "released", int.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture));
                return 0;
            case "codec-throughput":
                DataPath.CodecThroughput.Run(Option(args, "--size", 64), Option(args, "--iterations", 5),
                    Words(args, "--codecs")?.Select(c => Enum.Parse<Rtcr.Image.ImageCompression>(c, ignoreCase: true)).ToArray(), Words(args, "--data"));
                return 0;
            case "first-checkpoint":
                DataPath.FirstCheckpointPause.Run(Option(args, "--processes", 5), Option(args, "--steady", 7), args.Contains("--without-warm-up"));
                return 0;
            case "first-checkpoint-once": // one process of first-checkpoint
                DataPath.FirstCheckpointPause.Once(args[1], args[2] == "warm", args.Length > 3 && int.TryParse(args[3], CultureInfo.InvariantCulture, out int n) ? n : 7, args.Contains("--list-jit"));
                return 0;
            case "restore-objects":
                Restore.RestorePerObject.Run(List(args, "--sizes", [1_000, 10_000, 100_000, 200_000]), Option(args, "--iterations", 3), args.Contains("--profile"));
                return 0;
            case "-h" or "--help" or "help":
                Console.WriteLine(Usage);
                return 0;
            default:
                // Suites carry their own job in a [Config]; the default config adds only exporters and loggers.
                BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, DefaultConfig.Instance);
                return 0;
        }
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string[]? Words(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null;
    }

    private static int[] Sizes(string[] args) => List(args, "--sizes", [16, 64, 256, 1024]);

    private static int[] List(string[] args, string name, int[] fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length
            ? args[i + 1].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray()
            : fallback;
    }
}
