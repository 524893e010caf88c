namespace Rtcr.Image;

/// <summary>Why an image file was rejected.</summary>
public enum ImageError
{
    /// <summary>The file is not an Rtcr image (wrong magic).</summary>
    Foreign,
    /// <summary>The image was written by a newer format version than this build reads.</summary>
    NewerVersion,
    /// <summary>The file ends before the image does.</summary>
    Truncated,
    /// <summary>A checksum does not match or a structure is inconsistent.</summary>
    Corrupted,
    /// <summary>The image was recorded with a different set of session interfaces.</summary>
    SchemaMismatch,
}
