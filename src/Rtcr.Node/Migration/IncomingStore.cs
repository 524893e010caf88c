using System.Globalization;

namespace Rtcr.Node.Migration;

/// <summary>
/// The target's durable record of the migrations it receives, under <c>&lt;images&gt;/incoming/&lt;id&gt;/</c>:
/// every received image as <c>image-NNNN.rtcr</c> and a small <c>state</c> file (component, source,
/// stage), each written atomically and flushed to disk before the target acknowledges what it refers to.
/// A target agent that restarts finds here what it had received, restored or been told to commit.
/// </summary>
public sealed class IncomingStore(string imagesDirectory)
{
    /// <summary>Where the migrations' directories are.</summary>
    public string Root { get; } = Path.Combine(Path.GetFullPath(imagesDirectory), "incoming");

    /// <summary>The stages a received migration goes through on the target.</summary>
    public enum Stage
    {
        /// <summary>Images are arriving; nothing is restored.</summary>
        Receiving,
        /// <summary>All images arrived and were restored frozen; the source may decide to commit.</summary>
        Prepared,
        /// <summary>The source committed: the component must run here.</summary>
        Committed,
    }

    /// <summary>One migration as stored.</summary>
    /// <param name="Id">The migration id.</param>
    /// <param name="Component">The component's name.</param>
    /// <param name="SourceNode">The source node's name.</param>
    /// <param name="SourceAddress">Where to ask the source for its decision.</param>
    /// <param name="Stage">How far it got.</param>
    /// <param name="Images">The stored images, oldest first.</param>
    public sealed record Entry(string Id, string Component, string SourceNode, string SourceAddress, Stage Stage, IReadOnlyList<string> Images);

    private string Dir(string id) => Path.Combine(Root, id);

    /// <summary>Stores image <paramref name="sequence"/> of a migration (the first one also creates its state file).</summary>
    public void SaveImage(string id, int sequence, ReadOnlySpan<byte> bytes, string component, string sourceNode, string sourceAddress)
    {
        Directory.CreateDirectory(Dir(id));
        if (sequence == 0 || !File.Exists(Path.Combine(Dir(id), "state")))
            SetStage(id, component, sourceNode, sourceAddress, Stage.Receiving);
        AtomicFile.Write(Path.Combine(Dir(id), string.Create(CultureInfo.InvariantCulture, $"image-{sequence:D4}.rtcr")), bytes);
    }

    /// <summary>Moves a migration to <paramref name="stage"/> (durably).</summary>
    public void SetStage(string id, string component, string sourceNode, string sourceAddress, Stage stage)
    {
        Directory.CreateDirectory(Dir(id));
        AtomicFile.Write(Path.Combine(Dir(id), "state"),
            $"component={Uri.EscapeDataString(component)}\nsource_node={Uri.EscapeDataString(sourceNode)}\nsource_address={Uri.EscapeDataString(sourceAddress)}\nstage={stage.ToString().ToLowerInvariant()}\n");
    }

    /// <summary>Forgets a migration: its images and state are deleted.</summary>
    public void Delete(string id)
    {
        if (Directory.Exists(Dir(id))) Directory.Delete(Dir(id), recursive: true);
    }

    /// <summary>The stored migrations; a directory without a readable state file is reported in <paramref name="skipped"/>.</summary>
    public IReadOnlyList<Entry> Load(ICollection<string>? skipped = null)
    {
        var entries = new List<Entry>();
        if (!Directory.Exists(Root)) return entries;
        foreach (var dir in Directory.EnumerateDirectories(Root).Order(StringComparer.Ordinal))
        {
            string id = Path.GetFileName(dir);
            string state = Path.Combine(dir, "state");
            var fields = File.Exists(state)
                ? File.ReadAllLines(state).Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]), StringComparer.Ordinal)
                : new Dictionary<string, string>(StringComparer.Ordinal);
            if (!fields.TryGetValue("component", out var component) || !fields.TryGetValue("stage", out var stage) || !Enum.TryParse<Stage>(stage, ignoreCase: true, out var s))
            {
                skipped?.Add(dir);
                continue;
            }
            var images = Directory.EnumerateFiles(dir, "image-*.rtcr").Order(StringComparer.Ordinal).ToArray();
            entries.Add(new Entry(id, component, fields.GetValueOrDefault("source_node", ""), fields.GetValueOrDefault("source_address", ""), s, images));
        }
        return entries;
    }
}
