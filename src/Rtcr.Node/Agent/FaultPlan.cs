namespace Rtcr.Node.Agent;

/// <summary>
/// Failures a node injects on purpose, for the failure tests of the migration protocol only
/// (<c>rtcr node --fault …</c>). Never set in production.
/// </summary>
public sealed record FaultPlan
{
    /// <summary>As target: kill this process when this many chunks of a migration have arrived (0 = never).</summary>
    public int KillAfterChunks { get; init; }

    /// <summary>As source: flip a byte in this chunk (1-based) of the first image after its checksum was taken (0 = never).</summary>
    public int CorruptChunk { get; init; }

    /// <summary>As source: wait this long before sending each image after the first (a slow pre-copy round; 0 = never).</summary>
    public int DelayImagesMs { get; init; }

    /// <summary>As source: never send the commit to the target, so that it has to ask for the outcome.</summary>
    public bool DropCommit { get; init; }

    /// <summary>As target: kill this process when a commit arrives, before it is recorded or the component resumes.</summary>
    public bool KillOnCommit { get; init; }

    /// <summary>As source: kill this process once the target has restored the component, before deciding.</summary>
    public bool KillBeforeDecision { get; init; }

    /// <summary>As source: kill this process right after the commit is recorded, before the source copy stops or the target hears of it.</summary>
    public bool KillAfterDecision { get; init; }

    /// <summary>As source: wait this long after the decision before stopping the source copy and sending the commit (0 = never).</summary>
    public int DelayCommitMs { get; init; }

    /// <summary>As target: kill this process in PrepareRestore once the component is restored and recorded prepared, before the source hears the answer.</summary>
    public bool KillInPrepare { get; init; }

    /// <summary>As target: wait this long in PrepareRestore once the component is restored and recorded prepared, before answering (0 = never).</summary>
    public int DelayPrepareMs { get; init; }

    /// <summary>Parses <c>kill-after-chunks:N</c>, <c>corrupt-chunk:N</c>, <c>drop-commit</c>, <c>delay-images-ms:N</c>, <c>kill-on-commit</c>, <c>kill-before-decision</c>, <c>kill-after-decision</c>, <c>delay-commit-ms:N</c>, <c>kill-in-prepare</c>, <c>delay-prepare-ms:N</c> (comma-separated).</summary>
    /// <exception cref="FormatException">Unknown fault.</exception>
    public static FaultPlan Parse(string? spec)
    {
        var plan = new FaultPlan();
        if (string.IsNullOrWhiteSpace(spec)) return plan;
        foreach (var part in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (key, value) = part.IndexOf(':') is int i and >= 0 ? (part[..i], part[(i + 1)..]) : (part, "");
            plan = key switch
            {
                "kill-after-chunks" => plan with { KillAfterChunks = Positive(part, value) },
                "corrupt-chunk" => plan with { CorruptChunk = Positive(part, value) },
                "drop-commit" => plan with { DropCommit = true },
                "delay-images-ms" => plan with { DelayImagesMs = Positive(part, value) },
                "kill-on-commit" => plan with { KillOnCommit = true },
                "kill-before-decision" => plan with { KillBeforeDecision = true },
                "kill-after-decision" => plan with { KillAfterDecision = true },
                "delay-commit-ms" => plan with { DelayCommitMs = Positive(part, value) },
                "kill-in-prepare" => plan with { KillInPrepare = true },
                "delay-prepare-ms" => plan with { DelayPrepareMs = Positive(part, value) },
                _ => throw new FormatException($"unknown fault '{part}' (kill-after-chunks:N, corrupt-chunk:N, drop-commit, delay-images-ms:N, kill-on-commit, kill-before-decision, kill-after-decision, delay-commit-ms:N, kill-in-prepare, delay-prepare-ms:N)"),
            };
        }
        return plan;
    }

    private static int Positive(string part, string value) =>
        int.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out int n) && n > 0 ? n : throw new FormatException($"fault '{part}' needs a positive number");
}
