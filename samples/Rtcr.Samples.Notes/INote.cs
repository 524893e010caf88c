namespace Rtcr.Samples.Notes;

/// <summary>One note: configured by <c>[Sets]</c> calls, which a restore re-applies.</summary>
[RtcrRpcObject]
public interface INote
{
    /// <summary>Replaces the note's text.</summary>
    [Sets("text")] void SetText(string text);

    /// <summary>Pins or unpins the note.</summary>
    [Sets("pinned")] void Pin(bool pinned);

    /// <summary>The title it was created with.</summary>
    [Query] string Title();

    /// <summary>The current text.</summary>
    [Query] string Text();

    /// <summary>Whether it is pinned.</summary>
    [Query] bool Pinned();
}
