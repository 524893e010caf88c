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
    /// <summary>A delta's parent image cannot be found.</summary>
    MissingParent,
    /// <summary>The image found under a delta's parent id is not the one the delta was taken against (it changed).</summary>
    ParentMismatch,
    /// <summary>A delta's parent belongs to another child (another lineage or label).</summary>
    ForeignParent,
}
