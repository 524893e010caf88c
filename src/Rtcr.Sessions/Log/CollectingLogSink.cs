namespace Rtcr.Sessions;

/// <summary>A sink that keeps every line (and optionally forwards it), for hosts and tests.</summary>
public sealed class CollectingLogSink(Action<string, string>? forward = null) : ILogSink
{
    private readonly List<string> _lines = new();
    private readonly Lock _lock = new();

    /// <summary>Lines received so far, as <c>[label] text</c>.</summary>
    public IReadOnlyList<string> Lines
    {
        get { lock (_lock) return _lines.ToArray(); }
    }

    /// <summary>Number of lines received.</summary>
    public int Count
    {
        get { lock (_lock) return _lines.Count; }
    }

    /// <inheritdoc />
    public void Write(string label, string text)
    {
        lock (_lock) _lines.Add($"[{label}] {text}");
        forward?.Invoke(label, text);
    }
}
