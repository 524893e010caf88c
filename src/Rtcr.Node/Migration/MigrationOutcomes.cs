using System.Globalization;

namespace Rtcr.Node.Migration;

/// <summary>
/// The decisions of the migrations a node was the source of. A decision is made once: a migration goes
/// from pending to committed or aborted and never changes again, so a target asking later always gets
/// the same answer the source acted on. With a journal file every step is appended and flushed to disk
/// before the source acts on it, so a source agent that restarts gives the same answers (pending
/// migrations of a crashed process are resolved by <see cref="SourceRecovery"/>).
/// </summary>
public sealed class MigrationOutcomes
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, OutgoingMigration> _migrations = new(StringComparer.Ordinal);
    private readonly string? _journal;

    /// <summary>Decisions kept in memory only (they die with the process).</summary>
    public MigrationOutcomes()
    {
    }

    /// <summary>Decisions kept in <paramref name="journal"/> (an append-only file), read back when it exists.</summary>
    /// <exception cref="FormatException">The journal holds a line that is not a record of this format.</exception>
    public MigrationOutcomes(string journal)
    {
        _journal = journal;
        if (!File.Exists(journal)) return;
        foreach (var line in File.ReadAllLines(journal))
        {
            // A line cut by a crash while it was appended was never acted on.
            if (line.Length == 0 || !line.EndsWith(';')) continue;
            var f = line[..^1].Split(' ');
            switch (f)
            {
                case ["begin", var id, var component, var target]:
                    _migrations[id] = new OutgoingMigration(id, Uri.UnescapeDataString(component), Uri.UnescapeDataString(target));
                    break;
                case ["frozen", var id, var digest, var images] when _migrations.TryGetValue(id, out var m):
                    m.Digest = ulong.Parse(digest, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                    m.Images = int.Parse(images, CultureInfo.InvariantCulture);
                    break;
                case ["decide", var id, var outcome] when _migrations.TryGetValue(id, out var m):
                    m.Outcome = Enum.Parse<MigrationOutcome>(outcome, ignoreCase: true);
                    break;
                default:
                    throw new FormatException($"{journal}: not a migration journal record: '{line}'");
            }
        }
    }

    /// <summary>Records a new pending migration.</summary>
    /// <exception cref="InvalidOperationException">The id exists.</exception>
    public void Begin(string id, string component = "", string target = "")
    {
        lock (_lock)
        {
            if (_migrations.ContainsKey(id)) throw new InvalidOperationException($"migration {id} already exists");
            Append($"begin {id} {Uri.EscapeDataString(component)} {Uri.EscapeDataString(target)}");
            _migrations[id] = new OutgoingMigration(id, component, target);
        }
    }

    /// <summary>
    /// Records that the source froze its copy for good and sent the last of <paramref name="images"/>
    /// images, whose restored memory must have <paramref name="digest"/>: from here the target holds the
    /// whole frozen state, and a restarted source can still commit (roll forward).
    /// </summary>
    public void Frozen(string id, ulong digest, int images)
    {
        lock (_lock)
        {
            var m = _migrations[id];
            Append(string.Create(CultureInfo.InvariantCulture, $"frozen {id} {digest:x16} {images}"));
            m.Digest = digest;
            m.Images = images;
        }
    }

    /// <summary>Decides a pending migration; false when it was decided already (the earlier decision stands).</summary>
    public bool TryDecide(string id, MigrationOutcome outcome)
    {
        if (outcome is not (MigrationOutcome.Committed or MigrationOutcome.Aborted)) throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "decide commit or abort");
        lock (_lock)
        {
            if (!_migrations.TryGetValue(id, out var m) || m.Outcome != MigrationOutcome.Pending) return false;
            // On disk before anyone acts on it.
            Append($"decide {id} {outcome.ToString().ToLowerInvariant()}");
            m.Outcome = outcome;
            return true;
        }
    }

    /// <summary>The decision about <paramref name="id"/>.</summary>
    public MigrationOutcome Of(string id)
    {
        lock (_lock) return _migrations.TryGetValue(id, out var m) ? m.Outcome : MigrationOutcome.Unknown;
    }

    /// <summary>Migrations not decided yet (after a restart: the ones the crashed process left open).</summary>
    public IReadOnlyList<OutgoingMigration> Pending
    {
        get
        {
            lock (_lock) return _migrations.Values.Where(m => m.Outcome == MigrationOutcome.Pending).Select(m => m with { }).ToArray();
        }
    }

    private void Append(string record)
    {
        if (_journal is null) return;
        bool created = !File.Exists(_journal);
        using (var file = new FileStream(_journal, FileMode.Append, FileAccess.Write, FileShare.Read))
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(record + ";\n");
            file.Write(bytes);
            file.Flush(flushToDisk: true);
        }
        // A new journal's name is on disk only once its directory is flushed too.
        if (created) Rtcr.Image.DurableDirectory.Sync(Path.GetDirectoryName(Path.GetFullPath(_journal))!);
    }
}
