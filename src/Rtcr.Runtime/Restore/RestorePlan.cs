using Rtcr.Checkpoint;
using Rtcr.Recording;

namespace Rtcr.Restore;

/// <summary>
/// An image that passed <see cref="ManifestValidator.Validate"/> against one recorder registry, with each
/// session's decoded state: a host that checks the plan before it creates the child hands it to the
/// <see cref="Restorer"/>, which then does not decode and check every state a second time.
/// </summary>
public sealed class RestorePlan
{
    internal RestorePlan(CheckpointImage image, RecorderRegistry registry, IReadOnlyList<(SessionImage Image, ISessionReplayer Replayer, ISessionState State)> sessions)
    {
        Image = image;
        Registry = registry;
        Sessions = sessions;
    }

    /// <summary>The validated image.</summary>
    public CheckpointImage Image { get; }

    /// <summary>The registry whose replayers read the states.</summary>
    public RecorderRegistry Registry { get; }

    /// <summary>Each session with its replayer and decoded state, in manifest order.</summary>
    public IReadOnlyList<(SessionImage Image, ISessionReplayer Replayer, ISessionState State)> Sessions { get; }
}
