using System.Text;
using Rtcr.Capabilities;
using Rtcr.Sessions;

namespace Rtcr.Samples.Notes;

/// <summary>
/// A component using the notes service: opens a session, creates three notes, writes and pins them and
/// destroys one. Like every component it keeps its state (here the capability indices) in its own
/// memory, never in C# fields, so a restore brings it back exactly.
/// </summary>
public sealed class NoteTaker : IComponentProgram
{
    /// <summary>Where the state page is attached.</summary>
    public const long StateAddress = 0x2000_0000;
    private const long SessionAt = StateAddress;       // int: capability index of the notes session
    private const long CountAt = StateAddress + 4;     // int: how many note capabilities follow
    private const long NotesAt = StateAddress + 8;     // int[]: capability indices of the live notes

    /// <inheritdoc />
    public string Name => "note_taker";

    /// <inheritdoc />
    public void Register(Env env)
    {
        // No handlers: this component does all its work in Construct.
    }

    /// <inheritdoc />
    public void Construct(Env env)
    {
        env.AllocAndAttach(4096, StateAddress);
        var session = env.Session<INotesSession>(NotesService.Name, "notes");
        var notes = env.Invoke(session);
        var shopping = notes.Create("shopping");
        var todo = notes.Create("todo");
        var draft = notes.Create("draft");
        env.Invoke(shopping).SetText("milk");
        env.Invoke(shopping).SetText("milk, bread");      // the recorder keeps only the latest text
        env.Invoke(todo).SetText("write the report");
        env.Invoke(todo).Pin(true);
        env.Invoke(draft).SetText("never mind");
        notes.Destroy(draft);                             // its record is dropped: a restore does not recreate it

        var memory = env.Memory;
        memory.Write(SessionAt, session.Index);
        memory.Write(CountAt, 2);
        memory.Write(NotesAt, shopping.Index);
        memory.Write(NotesAt + 4, todo.Index);
    }

    /// <summary>What the component sees through its capabilities: every live note, one line each.</summary>
    public static string Describe(Env env)
    {
        var memory = env.Memory;
        var notes = env.Invoke(Cap<INotesSession>.FromIndex(memory.Read<int>(SessionAt)));
        var text = new StringBuilder().Append("notes: ").Append(notes.Count()).Append('\n');
        int count = memory.Read<int>(CountAt);
        for (int i = 0; i < count; i++)
        {
            var note = env.Invoke(Cap<INote>.FromIndex(memory.Read<int>(NotesAt + 4 * i)));
            text.Append(note.Title()).Append(": ").Append(note.Text()).Append(note.Pinned() ? " (pinned)" : "").Append('\n');
        }
        return text.ToString();
    }
}
