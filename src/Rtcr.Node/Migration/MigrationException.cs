namespace Rtcr.Node.Migration;

/// <summary>A migration was aborted; the component still runs on the source.</summary>
public sealed class MigrationException(string message, Exception? inner = null) : Exception(message, inner);
