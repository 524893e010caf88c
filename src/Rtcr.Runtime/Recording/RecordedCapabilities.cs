using Rtcr.Capabilities;

namespace Rtcr.Recording;

/// <summary>Translation of recorded capabilities as generated replayers need it, in one place instead of in every replayer.</summary>
public static class RecordedCapabilities
{
    /// <summary>
    /// The new capability for a badge recorded before the checkpoint. Badge 0 is the invalid capability:
    /// recorded as such, replayed as such.
    /// </summary>
    /// <param name="translator">The restore's translator.</param>
    /// <param name="badge">The recorded badge.</param>
    /// <param name="owner">What is being replayed (e.g. "ROM session"), for the error.</param>
    /// <param name="use">Which recorded call needs the object (e.g. "argument 'handler' of IRomSession.Sigh").</param>
    /// <exception cref="MissingObjectException">No object was recreated for the badge; the message says which call needed it.</exception>
    public static Cap<T> Translate<T>(ICapabilityTranslator translator, long badge, string owner, string use) where T : class
    {
        ArgumentNullException.ThrowIfNull(translator);
        if (badge == 0) return default;
        try
        {
            return translator.Translate<T>(badge);
        }
        catch (MissingObjectException)
        {
            // Say which recorded call needs the object, not only which badge is missing.
            throw new MissingObjectException(badge, owner + ": " + use);
        }
    }
}
