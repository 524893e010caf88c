namespace Rtcr.Image;

/// <summary>
/// Chunk compression. Every chunk is compressed on its own and stored raw when compression does not
/// shrink it, so incompressible memory costs only the attempt. The value is also the codec id stored
/// in each chunk header, so images written with any codec stay readable.
/// </summary>
public enum ImageCompression
{
    /// <summary>Chunks stored raw.</summary>
    None = 0,
    /// <summary>Deflate at its fastest level (the only codec of images written before LZ4 and Zstandard were added).</summary>
    Deflate = 1,
    /// <summary>LZ4 (K4os, fast level): the fastest; compresses zero pages and repetitive data well.</summary>
    Lz4 = 2,
    /// <summary>Zstandard level 1 (ZstdSharp): smaller than LZ4 on mixed data, slower.</summary>
    Zstd = 3,
    /// <summary>
    /// LZ4 (fast level) after a 64-bit word-delta filter, per chunk where a sample shows the filter pays, plain
    /// LZ4 elsewhere: several times faster and smaller than LZ4 on counters, pointer arrays and timestamps,
    /// LZ4's cost plus a small sample on other data.
    /// </summary>
    Lz4Delta = 4,
}
