using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Rtcr.Benchmarks.Support;
using Rtcr.Node.Agent;
using Rtcr.Node.Protos;
using Rtcr.Node.Transport;
using Rtcr.Samples;

namespace Rtcr.Benchmarks.Migration;

/// <summary>
/// Live vs cold migration of memory_writer (sequential writes, so the dirty rate is exactly
/// rate x 8 bytes per second) between two node agents in this process over loopback gRPC, per dirty
/// rate: total time, bytes sent, measured downtime; and the image stream's throughput against a raw
/// gRPC client stream of the same number of bytes in the same run.
/// </summary>
public static class MigrationReport
{
    /// <summary>Runs the measurement and prints Markdown tables.</summary>
    /// <param name="workingSetMiB">The writer's working set.</param>
    /// <param name="ratesPermille">Dirty rates in tenths of a percent of the working set per second.</param>
    /// <param name="maxDowntimeMs">Live migration's downtime target.</param>
    public static async Task RunAsync(int workingSetMiB, IReadOnlyList<int> ratesPermille, double maxDowntimeMs)
    {
        Console.WriteLine($"Migration of memory_writer, {workingSetMiB} MiB working set, two agents in one process over loopback gRPC");
        Console.WriteLine($"Processors: {Environment.ProcessorCount}, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}");
        Console.WriteLine();
        var token = new NodeToken(Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));
        // The agents persist received images (docs/migration.md, Durability): a directory of this run's own.
        string images = Path.Combine(Path.GetTempPath(), "rtcr-bench-migration", Guid.NewGuid().ToString("N"));
        await using var a = await NodeServer.StartAsync("127.0.0.1:0", token, Options("a", token, images));
        await using var b = await NodeServer.StartAsync("127.0.0.1:0", token, Options("b", token, images));
        using var ca = new NodeConnection(a.Address, token);
        using var cb = new NodeConnection(b.Address, token);

        // Warm-up: JIT the whole path once on a small component.
        a.Node.Start("memory_writer", "warmup", "<config working_set=\"1M\"/>", tracked: true);
        await MigrateAsync(ca, "warmup", b.Address, live: false, maxDowntimeMs);
        await MigrateAsync(cb, "warmup", a.Address, live: true, maxDowntimeMs);
        a.Node.Stop("warmup");

        long workingSet = (long)workingSetMiB << 20;
        var table = new TextTable("dirty rate", "mode", "rounds", "bytes sent", "total", "downtime", "of it: final round", "of it: restore", "live/cold downtime", "stream MB/s");
        var streamRates = new List<double>();
        foreach (int permille in ratesPermille)
        {
            long rate = Math.Max(1, workingSet * permille / 1000 / 8);
            string config = string.Create(CultureInfo.InvariantCulture, $"<config working_set=\"{workingSetMiB}M\" pattern=\"sequential\" rate=\"{rate}\" interval_ms=\"1000\"/>");
            a.Node.Start("memory_writer", "w", config, tracked: true, ramQuota: workingSet + (16L << 20));
            await Task.Delay(1000);
            var cold = await MigrateAsync(ca, "w", b.Address, live: false, maxDowntimeMs);
            await Task.Delay(1000);
            var live = await MigrateAsync(cb, "w", a.Address, live: true, maxDowntimeMs);
            a.Node.Stop("w");
            string pct = (permille / 10.0).ToString("0.0", CultureInfo.InvariantCulture) + " %/s";
            foreach (var (mode, r) in new[] { ("cold", cold), ("live", live) })
            {
                var full = r.Rounds.First(x => !x.IsDelta);
                double mbps = full.BytesSent / full.SendSeconds / 1e6;
                streamRates.Add(mbps);
                table.Add(pct, mode, r.Summary.Rounds.ToString(CultureInfo.InvariantCulture), Fmt.MiB(r.Summary.BytesSent) + " MiB",
                    Fmt.N(r.Summary.TotalMs, 0) + " ms", Fmt.N(r.Summary.DowntimeMs, 1) + " ms",
                    Fmt.N(r.Summary.FinalRoundMs, 1) + " ms", Fmt.N(r.Summary.RestoreMs, 1) + " ms",
                    mode == "live" ? (live.Summary.DowntimeMs / cold.Summary.DowntimeMs).ToString("P1", CultureInfo.InvariantCulture) : "",
                    mbps.ToString("F0", CultureInfo.InvariantCulture));
                // Each row as soon as it is measured: a later rate that fails does not lose it.
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"row: {pct} {mode} rounds={r.Summary.Rounds} bytes={r.Summary.BytesSent} total_ms={r.Summary.TotalMs:F0} downtime_ms={r.Summary.DowntimeMs:F1} final_round_ms={r.Summary.FinalRoundMs:F1} restore_ms={r.Summary.RestoreMs:F1} stream_mbps={mbps:F0}"));
            }
        }
        Console.Write(table);
        Console.WriteLine();

        double raw = await RawStreamAsync(workingSet);
        double median = streamRates.Order().ElementAt(streamRates.Count / 2);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"raw gRPC client stream of {workingSetMiB} MiB in 1 MiB chunks: {raw:F0} MB/s; image stream (median of the full images above): {median:F0} MB/s = {median / raw:P0} of raw"));
    }

    private sealed record Result(MigrationSummary Summary, List<RoundStats> Rounds);

    private static NodeOptions Options(string name, NodeToken token, string images) => new()
    {
        Name = name,
        Programs = SampleCatalog.Create,
        DefaultConfig = SampleCatalog.DefaultConfig,
        Token = token,
        ImagesDirectory = Path.Combine(images, name),
        // On a loaded machine writing and syncing a 256 MiB image can take longer than the default minute.
        CallTimeout = TimeSpan.FromMinutes(10),
    };

    private static async Task<Result> MigrateAsync(NodeConnection source, string component, string target, bool live, double maxDowntimeMs)
    {
        using var call = source.Client.Migrate(new MigrateRequest { Component = component, Target = target, Live = live, MaxDowntimeMs = maxDowntimeMs, MaxRounds = 10 });
        var rounds = new List<RoundStats>();
        MigrationSummary? summary = null;
        await foreach (var e in call.ResponseStream.ReadAllAsync())
        {
            if (e.EventCase == MigrationEvent.EventOneofCase.Round) rounds.Add(e.Round);
            if (e.EventCase == MigrationEvent.EventOneofCase.Summary) summary = e.Summary;
        }
        if (summary is null || summary.SourceDigest != summary.TargetDigest) throw new InvalidOperationException($"migration of {component} did not complete exactly");
        return new Result(summary, rounds);
    }

    // The same bytes in the same chunk size over a plain gRPC client stream on loopback, median of 3.
    private static async Task<double> RawStreamAsync(long bytes)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(System.Net.IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2);
            k.Limits.Http2.InitialConnectionWindowSize = 16 * 1024 * 1024;
            k.Limits.Http2.InitialStreamWindowSize = 8 * 1024 * 1024;
        });
        builder.Services.AddGrpc(o => o.MaxReceiveMessageSize = NodeConnection.MaxMessageBytes);
        await using var app = builder.Build();
        app.MapGrpcService<RawSink>();
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { MaxSendMessageSize = NodeConnection.MaxMessageBytes });
        var client = new Sink.SinkClient(channel);
        var data = new byte[bytes];
        new Random(1).NextBytes(data);
        var rates = new List<double>();
        for (int i = 0; i < 4; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            using var call = client.Swallow();
            for (long offset = 0; offset < bytes; offset += ImageChunker.DefaultChunkBytes)
                await call.RequestStream.WriteAsync(new RawChunk { Data = UnsafeByteOperations.UnsafeWrap(data.AsMemory((int)offset, (int)Math.Min(ImageChunker.DefaultChunkBytes, bytes - offset))) });
            await call.RequestStream.CompleteAsync();
            await call.ResponseAsync;
            // The first run warms the connection up.
            if (i > 0) rates.Add(bytes / Stopwatch.GetElapsedTime(t0).TotalSeconds / 1e6);
        }
        await app.StopAsync();
        return rates.Order().ElementAt(1);
    }
}
