using System.Globalization;
using Rtcr.Faults;
using Rtcr.Image;

namespace Rtcr.Node.Migration;

/// <summary>
/// The target's durable record of the migrations it receives, under <c>&lt;images&gt;/incoming/&lt;id&gt;/</c>:
/// every received image as <c>image-NNNN.rtcr</c> and a small <c>state</c> file (component, source,
/// stage), each written atomically and flushed to disk — the file and its directory entry — before the
/// target acknowledges what it refers to. Images are written as their chunks arrive
/// (<see cref="CreateImage"/>) and take their name only once complete (<see cref="SaveImage"/>).
/// A target agent that restarts finds here what it had received, restored or been told to commit.
/// </summary>
/// <param name="imagesDirectory">The agent's image directory.</param>
/// <param name="faults">Fault injection for the file operations (tests); <see cref="FaultInjector.None"/> when null.</param>
public sealed class IncomingStore(string imagesDirectory, IFaultInjector? faults = null)
{
    private readonly IFaultInjector _faults = faults ?? FaultInjector.None;

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

    /// <summary>Whether <paramref name="id"/> can name a migration's directory (1–64 letters, digits, '-' or '_').</summary>
    public static bool IsValidId(string id) => id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private string Dir(string id) =>
        IsValidId(id) ? Path.Combine(Root, id) : throw new ArgumentException($"'{id}' is not a migration id (1–64 letters, digits, '-' or '_')", nameof(id));

    private static string ImageName(int sequence) => string.Create(CultureInfo.InvariantCulture, $"image-{sequence:D4}.rtcr");

    /// <summary>
    /// Starts image <paramref name="sequence"/> of a migration: a temporary file in the migration's directory
    /// (created, durably, when missing) that the chunks are appended to as they arrive.
    /// </summary>
    /// <exception cref="ArgumentException">The id is not a valid migration id.</exception>
    public AtomicFileWriter CreateImage(string id, int sequence)
    {
        DurableDirectory.Create(Dir(id), _faults);
        return AtomicFile.Create(Path.Combine(Dir(id), ImageName(sequence)), _faults);
    }

    /// <summary>
    /// Gives a complete image (<see cref="CreateImage"/>) its name, durably; the first one of a migration
    /// also writes its state file (stage <see cref="Stage.Receiving"/>) before, so that a stored image always
    /// has a state next to it.
    /// </summary>
    public void SaveImage(string id, int sequence, AtomicFileWriter image, string component, string sourceNode, string sourceAddress)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Path != Path.Combine(Dir(id), ImageName(sequence))) throw new ArgumentException($"'{image.Path}' is not image {sequence} of migration {id}", nameof(image));
        if (sequence == 0 || !File.Exists(Path.Combine(Dir(id), "state")))
            SetStage(id, component, sourceNode, sourceAddress, Stage.Receiving);
        image.Commit();
    }

    /// <summary>Moves a migration to <paramref name="stage"/> (durably).</summary>
    public void SetStage(string id, string component, string sourceNode, string sourceAddress, Stage stage)
    {
        DurableDirectory.Create(Dir(id), _faults);
        AtomicFile.WriteAllText(Path.Combine(Dir(id), "state"),
            $"component={Uri.EscapeDataString(component)}\nsource_node={Uri.EscapeDataString(sourceNode)}\nsource_address={Uri.EscapeDataString(sourceAddress)}\nstage={stage.ToString().ToLowerInvariant()}\n",
            _faults);
    }

    /// <summary>Forgets a migration: its images and state are deleted, durably.</summary>
    public void Delete(string id) => DurableDirectory.Delete(Dir(id), _faults);

    /// <summary>
    /// The stored migrations. Temporary files of images that never arrived whole (the agent died while they
    /// streamed) are deleted first, and a directory left empty by that too; a directory without a readable
    /// state file is reported in <paramref name="skipped"/>. Only for an agent starting up: a temporary file
    /// being written now would be deleted too.
    /// </summary>
    public IReadOnlyList<Entry> Load(ICollection<string>? skipped = null)
    {
        var entries = new List<Entry>();
        if (!Directory.Exists(Root)) return entries;
        foreach (var dir in Directory.EnumerateDirectories(Root).Order(StringComparer.Ordinal))
        {
            string id = Path.GetFileName(dir);
            foreach (var temp in Directory.EnumerateFiles(dir, ".*" + AtomicFile.TempSuffix).Where(p => TempFiles.IsTempName(Path.GetFileName(p)) && new FileInfo(p).LinkTarget is null))
                File.Delete(temp);
            if (!Directory.EnumerateFileSystemEntries(dir).Any())
            {
                // Image 0 was arriving when the agent died: nothing of the migration was stored.
                DurableDirectory.Delete(dir, _faults);
                continue;
            }
            string state = Path.Combine(dir, "state");
            var fields = File.Exists(state)
                ? File.ReadAllLines(state).Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]), StringComparer.Ordinal)
                : new Dictionary<string, string>(StringComparer.Ordinal);
            if (!IsValidId(id) || !fields.TryGetValue("component", out var component) || !fields.TryGetValue("stage", out var stage) || !Enum.TryParse<Stage>(stage, ignoreCase: true, out var s))
            {
                skipped?.Add(dir);
                continue;
            }
            var images = Directory.EnumerateFiles(dir, "image-*.rtcr").Order(StringComparer.Ordinal).ToArray();
            entries.Add(new Entry(id, component, fields.GetValueOrDefault("source_node", ""), fields.GetValueOrDefault("source_address", ""), s, images));
        }
        return entries;
    }

    /// <summary>Deletes the directory of a migration that stored nothing yet (its first image failed to arrive).</summary>
    public void DeleteIfEmpty(string id)
    {
        string dir = Dir(id);
        if (Directory.Exists(dir) && !Directory.EnumerateFileSystemEntries(dir).Any()) DurableDirectory.Delete(dir, _faults);
    }
}
