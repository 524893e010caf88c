namespace Rtcr.Sessions;

/// <summary>Core's LOG session: forwards lines, tagged with the session label, to a sink.</summary>
public sealed class LogSessionComponent(string label, ILogSink sink) : ILogSession
{
    /// <summary>Longest line accepted, as Genode's LOG session limits its string argument.</summary>
    public const int MaxLineLength = 4096;

    /// <inheritdoc />
    public void Write(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxLineLength)
            throw new ArgumentException($"LOG line of {text.Length} characters exceeds the limit of {MaxLineLength}", nameof(text));
        sink.Write(label, text);
    }

    /// <inheritdoc />
    public void Upgrade(long ramQuota, long capQuota) { }
}
