namespace Rtcr.Sessions;

/// <summary>Where the LOG service puts lines (the host prints them; tests collect them).</summary>
public interface ILogSink
{
    /// <summary>Receives one line written by <paramref name="label"/>.</summary>
    void Write(string label, string text);
}
