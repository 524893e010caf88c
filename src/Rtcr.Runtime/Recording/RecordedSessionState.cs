using Rtcr.Services;

namespace Rtcr.Recording;

/// <summary>The part of every generated session state that does not vary per interface: creation arguments and upgrades.</summary>
/// <param name="args">The arguments the session was created with.</param>
public abstract class RecordedSessionState(SessionArgs args) : RecordedState, ISessionState
{
    /// <inheritdoc />
    public abstract string Service { get; }

    /// <inheritdoc />
    public SessionArgs Args { get; } = args ?? throw new ArgumentNullException(nameof(args));

    /// <summary>RAM quota added by upgrades since the session was created.</summary>
    public long UpgradedRam { get; set; }

    /// <summary>Capability quota added by upgrades since the session was created.</summary>
    public long UpgradedCaps { get; set; }

    /// <inheritdoc />
    public override void Write(StateWriter writer)
    {
        StateFormat.WriteSessionHeader(writer, Service, Args, UpgradedRam, UpgradedCaps);
        WriteBody(writer);
    }

    /// <inheritdoc />
    public SessionRecord ToRecord() => new(Service, Args, UpgradedRam, UpgradedCaps, SettingRecords(), ObjectRecords());
}
