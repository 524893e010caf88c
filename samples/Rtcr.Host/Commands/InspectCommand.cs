using System.ComponentModel;
using System.IO.Hashing;
using Rtcr.Image;
using Rtcr.Recording;
using Rtcr.Sessions;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Rtcr.Host.Commands;

/// <summary><c>rtcr inspect</c>: prints an image's sessions, RPC objects, capability space and dataspaces as tables.</summary>
internal sealed class InspectCommand : Command<InspectCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<image>")]
        [Description("Image file to inspect (validated completely first).")]
        public string Image { get; init; } = "";

        public override ValidationResult Validate() =>
            File.Exists(Image) ? ValidationResult.Success() : ValidationResult.Error($"image '{Image}' does not exist");
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ImageHeaderInfo header;
        using (var file = File.OpenRead(settings.Image)) header = ImageReader.ReadHeader(file, settings.Image);
        var image = ImageReader.ReadFile(settings.Image);
        var m = image.Manifest;
        var registry = SessionRecorders.CreateRegistry();

        AnsiConsole.MarkupLineInterpolated($"[bold]{settings.Image}[/]: format v{header.Version}, {(header.Compressed ? "compressed" : "uncompressed")}, schema {header.SchemaId:x16}, written {header.Created:u}, {header.ChunkCount} chunks");
        AnsiConsole.MarkupLineInterpolated($"child [bold]{m.Label}[/] (program {m.Metadata.GetValueOrDefault("program", "?")}), clock {m.ClockMicroseconds / 1000.0:F3} ms, quota ram {m.InitialRamQuota} caps {m.InitialCapQuota}, {m.PendingSignals.Count} pending signals");
        if (!string.IsNullOrEmpty(m.ImageId))
            AnsiConsole.MarkupLineInterpolated($"image {m.ImageId}, lineage {m.LineageId}, {(image.IsDelta ? $"delta {m.ChainDepth} of a chain, parent {m.ParentImageId} ({m.ParentFileName ?? "file unknown"})" : "full image")}");
        if (image.IsDelta)
        {
            var chain = new Table().Title("chain (oldest first)").AddColumns("link", "file", "image id", "memory stored", "of memory", "written");
            foreach (var link in ImageChain.Describe(settings.Image))
                chain.AddRow(Escaped(link.Depth == 0 ? "full" : $"delta {link.Depth}", Path.GetFileName(link.Path), link.ImageId, link.StoredBytes.ToString("N0"), link.MemoryBytes.ToString("N0"), link.Created.ToString("u")));
            AnsiConsole.Write(chain);
        }

        var sessions = new Table().Title("sessions").AddColumns("service", "badge", "label", "ram_quota", "cap_quota", "upgrades", "settings", "objects", "state bytes");
        var objects = new Table().Title("RPC objects").AddColumns("session", "badge", "interface", "created by", "settings");
        foreach (var s in m.Sessions)
        {
            SessionRecord? record = null;
            try
            {
                var reader = new StateReader(s.State);
                record = registry.GetReplayer(s.Service).Read(ref reader).ToRecord();
            }
            catch (Exception ex) when (ex is KeyNotFoundException or StateFormatException)
            {
                AnsiConsole.MarkupLineInterpolated($"[yellow]session {s.Service}: state not readable by this build: {ex.Message}[/]");
            }
            sessions.AddRow(Escaped(s.Service, s.Badge.ToString(), s.Label, s.RamQuota.ToString(), s.CapQuota.ToString(),
                record is null ? "?" : $"ram {record.UpgradedRam}, caps {record.UpgradedCaps}",
                record is null ? "?" : string.Join("\n", record.Settings.Select(c => c.ToString())),
                record is null ? "?" : Count(record.Objects).ToString(), s.State.Length.ToString()));
            if (record is not null) AddObjects(objects, s.Service, record.Objects, "");
        }
        var caps = new Table().Title("capability space").AddColumns("index", "badge", "type");
        foreach (var c in m.Capabilities) caps.AddRow(Escaped(c.Index.ToString(), c.Badge.ToString(), c.Type));
        var dataspaces = new Table().Title("dataspaces").AddColumns("badge", "size", "stored", "ranges", "base badge", "XxHash3 of stored");
        foreach (var d in m.Dataspaces)
            dataspaces.AddRow(d.Badge.ToString(), d.Size.ToString("N0"), d.StoredBytes.ToString("N0"),
                d.Ranges is null ? "all" : d.Ranges.Count.ToString(), d.BaseBadge == 0 ? "-" : d.BaseBadge.ToString(),
                XxHash3.HashToUInt64(image.Stored(d)).ToString("x16"));

        AnsiConsole.Write(sessions);
        AnsiConsole.Write(objects);
        AnsiConsole.Write(caps);
        AnsiConsole.Write(dataspaces);
        return 0;
    }

    private static string[] Escaped(params string[] cells) => cells.Select(Markup.Escape).ToArray();

    private static int Count(IReadOnlyList<ObjectRecord> objects) => objects.Count + objects.Sum(o => Count(o.Objects));

    private static void AddObjects(Table table, string session, IReadOnlyList<ObjectRecord> objects, string indent)
    {
        foreach (var o in objects)
        {
            table.AddRow(Escaped(session, o.Badge.ToString(), indent + o.Interface, o.Creation.ToString(), string.Join("\n", o.Settings.Select(c => c.ToString()))));
            AddObjects(table, session, o.Objects, indent + "  ");
        }
    }
}
