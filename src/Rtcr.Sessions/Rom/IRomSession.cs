using Rtcr.Capabilities;

namespace Rtcr.Sessions;

/// <summary>ROM session (Genode's <c>Rom_session</c>): a read-only module named by the session label.</summary>
[RtcrSession("ROM", RestoreOrder = 40)]
public interface IRomSession
{
    /// <summary>A read-only dataspace holding the module's content.</summary>
    [Creates] Cap<IDataspace> Dataspace();

    /// <summary>Installs the signal context notified when the module changes.</summary>
    [Sets("sigh")] void Sigh(Cap<ISignalContext> handler);

    /// <summary>Refreshes the dataspace in place if the new content fits; returns whether it did.</summary>
    [Query] bool Update();
}
