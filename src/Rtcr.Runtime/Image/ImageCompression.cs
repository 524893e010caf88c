namespace Rtcr.Image;

/// <summary>
/// Chunk compression. Deflate at its fastest level: component memory is mostly zero pages and
/// repetitive data, which fast Deflate (zlib-ng in .NET) shrinks well at several hundred MB/s, and it
/// is in the base library. A chunk that does not shrink is stored raw, so incompressible memory
/// costs only the attempt.
/// </summary>
public enum ImageCompression
{
    /// <summary>Chunks stored raw.</summary>
    None = 0,
    /// <summary>Chunks compressed with Deflate (fastest), unless that does not shrink them.</summary>
    Deflate = 1,
}
