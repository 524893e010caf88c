namespace Rtcr.Node.Transport;

/// <summary>The shared secret every agent and client of a cluster is configured with.</summary>
public sealed class NodeToken
{
    /// <summary>Shortest token accepted: shorter ones are guessable.</summary>
    public const int MinLength = 16;

    /// <summary>Wraps a token, refusing short or blank ones.</summary>
    /// <exception cref="ArgumentException">The token is shorter than <see cref="MinLength"/> characters or has whitespace.</exception>
    public NodeToken(string value)
    {
        if (value.Length < MinLength) throw new ArgumentException($"the token must have at least {MinLength} characters (it has {value.Length})", nameof(value));
        if (value.Any(char.IsWhiteSpace) || value.Any(char.IsControl)) throw new ArgumentException("the token must not contain whitespace or control characters", nameof(value));
        Value = value;
    }

    /// <summary>The token text.</summary>
    public string Value { get; }

    /// <summary>Reads a token file (surrounding whitespace, such as a final newline, is ignored).</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="ArgumentException">The token is too short.</exception>
    public static NodeToken FromFile(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"token file '{path}' not found", path);
        return new NodeToken(File.ReadAllText(path).Trim());
    }

    /// <inheritdoc />
    public override string ToString() => "<token>";
}
