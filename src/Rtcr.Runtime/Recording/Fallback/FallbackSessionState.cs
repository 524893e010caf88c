using Rtcr.Services;

namespace Rtcr.Recording.Fallback;

/// <summary>
/// The state recorded by the reflection fallback for one session. Its canonical <see cref="ToRecord"/> equals
/// what the generated recorder produces for the same calls; its binary form is its own (read it back with
/// <see cref="FallbackReplayer.Read"/>).
/// </summary>
public sealed class FallbackSessionState : ISessionState
{
    internal FallbackSessionState(string service, SessionArgs args, long upgradedRam, long upgradedCaps, FallbackObjectState body)
    {
        Service = service;
        Args = args;
        UpgradedRam = upgradedRam;
        UpgradedCaps = upgradedCaps;
        Body = body;
    }

    /// <inheritdoc />
    public string Service { get; }

    /// <inheritdoc />
    public SessionArgs Args { get; }

    /// <summary>RAM quota added by upgrades.</summary>
    public long UpgradedRam { get; }

    /// <summary>Capability quota added by upgrades.</summary>
    public long UpgradedCaps { get; }

    internal FallbackObjectState Body { get; }

    /// <inheritdoc />
    public void Write(StateWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteString(Service);
        writer.WriteString(Args.Label);
        writer.WriteInt64(Args.RamQuota);
        writer.WriteInt64(Args.CapQuota);
        writer.WriteInt32(Args.Extra.Count);
        foreach (var (key, value) in Args.Extra)
        {
            writer.WriteString(key);
            writer.WriteString(value);
        }
        writer.WriteInt64(UpgradedRam);
        writer.WriteInt64(UpgradedCaps);
        Body.Write(writer);
    }

    internal static FallbackSessionState Read(FallbackShape shape, ref StateReader reader)
    {
        string service = reader.ReadRequiredString();
        if (service != shape.Service) throw new StateFormatException($"expected the state of a {shape.Service} session, found one of '{service}'");
        var args = new SessionArgs(reader.ReadRequiredString(), reader.ReadInt64(), reader.ReadInt64());
        int extras = reader.ReadInt32();
        if (extras < 0) throw new StateFormatException($"negative element count {extras}");
        for (int i = 0; i < extras; i++) args = args.With(reader.ReadRequiredString(), reader.ReadRequiredString());
        long ram = reader.ReadInt64(), caps = reader.ReadInt64();
        return new FallbackSessionState(service, args, ram, caps, FallbackObjectState.Read(shape, ref reader));
    }

    /// <inheritdoc />
    public SessionRecord ToRecord() => new(Service, Args, UpgradedRam, UpgradedCaps, Body.SettingRecords(), Body.ObjectRecords());
}
