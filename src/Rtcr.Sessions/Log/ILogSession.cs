namespace Rtcr.Sessions;

/// <summary>LOG session (Genode's <c>Log_session</c>): writes lines to the parent's log.</summary>
[RtcrSession("LOG", RestoreOrder = 50)]
public interface ILogSession
{
    /// <summary>Writes one line.</summary>
    [Query] void Write(string text);

    /// <summary>Adds quota donated by the client.</summary>
    [Upgrade] void Upgrade(long ramQuota, long capQuota);
}
