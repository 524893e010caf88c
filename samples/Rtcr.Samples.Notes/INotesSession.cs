using Rtcr.Capabilities;

namespace Rtcr.Samples.Notes;

/// <summary>A notes session: creates, and destroys, notes (RPC objects of their own).</summary>
[RtcrSession("Notes", RestoreOrder = 70)]
public interface INotesSession
{
    /// <summary>Creates a note with a title; the client gets a capability to it.</summary>
    [Creates] Cap<INote> Create(string title);

    /// <summary>Destroys a note created by this session.</summary>
    [Destroys] void Destroy(Cap<INote> note);

    /// <summary>How many notes are alive.</summary>
    [Query] int Count();
}
