namespace Rtcr.Node.Transport;

/// <summary>An image stream was inconsistent: a checksum mismatch, a gap, a length that does not add up.</summary>
public sealed class ImageTransferException(string message) : Exception(message);
