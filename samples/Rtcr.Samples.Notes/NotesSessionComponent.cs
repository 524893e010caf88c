using Rtcr.Capabilities;

namespace Rtcr.Samples.Notes;

/// <summary>
/// The server side of a notes session: installs each new note in the client's capability space (the
/// client holds only the slot index) and frees the slot on destroy.
/// </summary>
public sealed class NotesSessionComponent(ProtectionDomain client) : INotesSession
{
    private int _count;

    /// <inheritdoc />
    public Cap<INote> Create(string title)
    {
        _count++;
        return client.Install<INote>(new Note(title));
    }

    /// <inheritdoc />
    public void Destroy(Cap<INote> note)
    {
        client.Free(note);
        _count--;
    }

    /// <inheritdoc />
    public int Count() => _count;
}
