using System.ComponentModel;
using System.Globalization;
using Grpc.Core;
using Rtcr.Node.Protos;
using Rtcr.Node.Transport;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Rtcr.Host.Commands.Nodes;

/// <summary>
/// <c>rtcr migrate</c>: asks the source agent to migrate a component to the target agent, shows the
/// transfer and the pre-copy rounds as they happen, and prints a summary.
/// </summary>
internal sealed class MigrateCommand : AsyncCommand<MigrateCommand.Settings>
{
    internal sealed class Settings : NodeClientSettings
    {
        [CommandArgument(0, "<component>")]
        [Description("The component's name on the source node.")]
        public string Component { get; init; } = "";

        [CommandOption("--from <NODE>")]
        [Description("The source agent's address (host:port).")]
        public string From { get; init; } = "";

        [CommandOption("--to <NODE>")]
        [Description("The target agent's address (host:port), as the source agent reaches it.")]
        public string To { get; init; } = "";

        [CommandOption("--live")]
        [Description("Iterative pre-copy while the component runs (it must have been started --tracked).")]
        public bool Live { get; init; }

        [CommandOption("--max-downtime <DURATION>")]
        [Description("Live: stop pre-copy once the last round is estimated to take at most this (default 50ms).")]
        public string MaxDowntime { get; init; } = "50ms";

        [CommandOption("--max-rounds <N>")]
        [Description("Live: most pre-copy rounds before the final one (default 10).")]
        public int MaxRounds { get; init; } = 10;

        [CommandOption("--chunk <SIZE>")]
        [Description("Bytes per streamed chunk (default 1M).")]
        public string Chunk { get; init; } = "1M";

        [CommandOption("--follow <DURATION>")]
        [Description("Print the component's LOG lines, labelled with the node they come from, during the migration and for this long after it.")]
        public string? Follow { get; init; }

        public override ValidationResult Validate()
        {
            if (From.Length == 0 || To.Length == 0) return ValidationResult.Error("--from <NODE> and --to <NODE> are required");
            if (MaxRounds < 1) return ValidationResult.Error("--max-rounds must be at least 1");
            return ValidationResult.Success();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var request = new MigrateRequest
        {
            Component = settings.Component,
            Target = NodeConnection.Normalize(settings.To, settings.Tls() is not null),
            Live = settings.Live,
            MaxDowntimeMs = Duration.ParseMicroseconds(settings.MaxDowntime, "--max-downtime") / 1000.0,
            MaxRounds = settings.MaxRounds,
            ChunkBytes = ByteSize.TryParse(settings.Chunk, out long chunk) && chunk is > 0 and <= NodeConnection.MaxMessageBytes / 2 ? (int)chunk
                : throw new ArgumentException($"--chunk: '{settings.Chunk}' is not a size between 1 and {NodeConnection.MaxMessageBytes / 2} bytes"),
        };
        using var source = settings.Connect(settings.From);
        using var target = settings.Connect(settings.To);
        using var stopLogs = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var logs = settings.Follow is null ? Task.CompletedTask
            : Task.WhenAll(FollowAsync(source, settings, stopLogs.Token), FollowAsync(target, settings, stopLogs.Token));

        var rounds = new List<RoundStats>();
        MigrationSummary? summary = null;
        using var call = source.Client.Migrate(request, cancellationToken: cancellationToken);
        try
        {
            if (settings.Interactive) summary = await ShowProgressAsync(call, rounds, settings, cancellationToken);
            else
                await foreach (var e in call.ResponseStream.ReadAllAsync(cancellationToken))
                    summary = Report(e, rounds) ?? summary;
        }
        catch (RpcException ex)
        {
            await StopAsync(stopLogs, logs);
            throw new InvalidOperationException($"migration failed ({ex.Status.StatusCode}): {ex.Status.Detail}");
        }
        if (summary is null) throw new InvalidOperationException("the source agent ended the migration without a summary");
        PrintSummary(summary, rounds, settings.Plain);
        if (settings.Follow is not null) await Task.Delay(TimeSpan.FromMicroseconds(Duration.ParseMicroseconds(settings.Follow, "--follow")), cancellationToken);
        await StopAsync(stopLogs, logs);
        return summary.SourceDigest == summary.TargetDigest ? 0 : 1;
    }

    private static async Task<MigrationSummary?> ShowProgressAsync(AsyncServerStreamingCall<MigrationEvent> call, List<RoundStats> rounds, Settings settings, CancellationToken cancel)
    {
        MigrationSummary? summary = null;
        var phases = new List<string>();
        await AnsiConsole.Progress().AutoClear(false).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(async ctx =>
            {
                var roundTask = settings.Live ? ctx.AddTask("pre-copy rounds", maxValue: settings.MaxRounds + 1) : null;
                var transfers = new Dictionary<int, ProgressTask>();
                await foreach (var e in call.ResponseStream.ReadAllAsync(cancel))
                {
                    switch (e.EventCase)
                    {
                        case MigrationEvent.EventOneofCase.Transfer:
                            if (!transfers.TryGetValue(e.Transfer.Image, out var task))
                                transfers[e.Transfer.Image] = task = ctx.AddTask(e.Transfer.Image == 0 ? "image 0 (full)" : $"image {e.Transfer.Image} (delta)", maxValue: e.Transfer.Total);
                            task.Value = e.Transfer.Done;
                            break;
                        case MigrationEvent.EventOneofCase.Round:
                            rounds.Add(e.Round);
                            roundTask?.Increment(1);
                            if (e.Round.Final && roundTask is not null) roundTask.Value = roundTask.MaxValue;
                            break;
                        case MigrationEvent.EventOneofCase.Phase:
                            phases.Add(e.Phase);
                            break;
                        case MigrationEvent.EventOneofCase.Summary:
                            summary = e.Summary;
                            break;
                    }
                }
            });
        // Printed after the live display, which would garble lines written while it runs.
        foreach (var phase in phases) AnsiConsole.MarkupLineInterpolated($"[grey]{phase}[/]");
        return summary;
    }

    // Plain mode: one line per phase and round.
    private static MigrationSummary? Report(MigrationEvent e, List<RoundStats> rounds)
    {
        switch (e.EventCase)
        {
            case MigrationEvent.EventOneofCase.Phase:
                Console.WriteLine(e.Phase);
                break;
            case MigrationEvent.EventOneofCase.Round:
                rounds.Add(e.Round);
                Console.WriteLine(RoundLine(e.Round));
                break;
            case MigrationEvent.EventOneofCase.Summary:
                return e.Summary;
        }
        return null;
    }

    internal static string RoundLine(RoundStats r) =>
        FormattableString.Invariant($"round {r.Round}{(r.Final ? " (final, paused)" : "")}: {(r.IsDelta ? "delta" : "full")}, {r.BytesSent} bytes in {r.Seconds * 1000:F1} ms") +
        (r.Final ? "" : FormattableString.Invariant($", dirty rate {r.DirtyBytesPerSecond / 1024:F0} KiB/s, {r.DirtyBytes} dirty bytes left, estimated downtime {r.EstimatedDowntimeMs:F1} ms"));

    private static void PrintSummary(MigrationSummary s, List<RoundStats> rounds, bool plain)
    {
        bool match = s.SourceDigest == s.TargetDigest;
        if (plain)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"migrated {s.Component} from {s.Source} to {s.Target}: mode={(s.Live ? "live" : "cold")} rounds={s.Rounds} bytes={s.BytesSent} total_ms={s.TotalMs:F1} downtime_ms={s.DowntimeMs:F1} memory={(match ? "match" : "MISMATCH")} digest={s.TargetDigest:x16} confirmed={s.Confirmed.ToString().ToLowerInvariant()}{(s.StampCheck.Length > 0 ? " stamp=\"" + s.StampCheck + "\"" : "")}"));
            return;
        }
        if (rounds.Count > 0)
        {
            var t = new Table().Title("rounds").AddColumns("round", "kind", "bytes sent", "time", "dirty rate", "dirty left", "est. downtime");
            foreach (var r in rounds)
                t.AddRow(r.Round + (r.Final ? " (final)" : ""), r.IsDelta ? "delta" : "full", Bytes(r.BytesSent), $"{r.Seconds * 1000:F1} ms",
                    r.Final ? "" : Bytes((long)r.DirtyBytesPerSecond) + "/s", r.Final ? "" : Bytes(r.DirtyBytes), r.Final ? "" : $"{r.EstimatedDowntimeMs:F1} ms");
            AnsiConsole.Write(t);
        }
        var summary = new Table().Title("migration").AddColumns("", "");
        summary.AddRow("component", Markup.Escape(s.Component));
        summary.AddRow("from → to", Markup.Escape($"{s.Source} → {s.Target}"));
        summary.AddRow("mode", s.Live ? "live (pre-copy)" : "cold");
        summary.AddRow("rounds", s.Rounds.ToString(CultureInfo.InvariantCulture));
        summary.AddRow("bytes sent", Bytes(s.BytesSent));
        summary.AddRow("total time", $"{s.TotalMs:F1} ms");
        summary.AddRow("downtime (measured)", $"{s.DowntimeMs:F1} ms (final round {s.FinalRoundMs:F1} ms, restore on the target {s.RestoreMs:F1} ms)");
        summary.AddRow("memory", match ? $"[green]restored = paused source ({s.TargetDigest:x16})[/]" : $"[red]MISMATCH {s.SourceDigest:x16} vs {s.TargetDigest:x16}[/]");
        if (s.StampCheck.Length > 0) summary.AddRow("stamp check", Markup.Escape(s.StampCheck));
        summary.AddRow("target confirmed resume", s.Confirmed ? "yes" : "[yellow]not yet (it asks the source after its lease)[/]");
        AnsiConsole.Write(summary);
    }

    private static string Bytes(long n) => n switch
    {
        >= 1L << 30 => $"{n / (double)(1L << 30):F2} GiB",
        >= 1L << 20 => $"{n / (double)(1L << 20):F2} MiB",
        >= 1L << 10 => $"{n / 1024.0:F1} KiB",
        _ => $"{n} B",
    };

    private static async Task FollowAsync(NodeConnection node, Settings settings, CancellationToken cancel)
    {
        try
        {
            using var call = node.Client.StreamLogs(new LogRequest { Component = settings.Component }, cancellationToken: cancel);
            await foreach (var line in call.ResponseStream.ReadAllAsync(cancel))
                LogsCommand.Print(line, settings.Plain);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled)
        {
            // Stopped following.
        }
    }

    private static async Task StopAsync(CancellationTokenSource stop, Task logs)
    {
        await stop.CancelAsync();
        try
        {
            await logs;
        }
        catch (OperationCanceledException)
        {
            // Following ended with the migration.
        }
    }
}
