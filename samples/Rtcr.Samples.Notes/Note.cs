namespace Rtcr.Samples.Notes;

/// <summary>The server side of a note. Server objects may keep state in fields: the recorder in front of them records it.</summary>
public sealed class Note(string title) : INote
{
    private string _text = "";
    private bool _pinned;

    /// <inheritdoc />
    public void SetText(string text) => _text = text;

    /// <inheritdoc />
    public void Pin(bool pinned) => _pinned = pinned;

    /// <inheritdoc />
    public string Title() => title;

    /// <inheritdoc />
    public string Text() => _text;

    /// <inheritdoc />
    public bool Pinned() => _pinned;
}
