namespace Rtcr.Restore;

/// <summary>A restore failed; everything it had created was torn down and the image is untouched.</summary>
public sealed class RestoreException(string message, Exception? inner = null) : Exception(message, inner);
