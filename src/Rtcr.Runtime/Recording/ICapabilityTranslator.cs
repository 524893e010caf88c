using Rtcr.Capabilities;

namespace Rtcr.Recording;

/// <summary>
/// Translates capabilities recorded before a checkpoint (by the badge they named then) into
/// capabilities valid in the restored child's capability space.
/// </summary>
public interface ICapabilityTranslator
{
    /// <summary>A capability in the restored client's space naming the object that replaces <paramref name="oldBadge"/>.</summary>
    /// <exception cref="MissingObjectException">No object was restored for that badge.</exception>
    Cap<T> Translate<T>(long oldBadge) where T : class;
}
