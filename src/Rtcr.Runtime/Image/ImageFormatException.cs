namespace Rtcr.Image;

/// <summary>An image file was rejected before anything was created from it.</summary>
public sealed class ImageFormatException(ImageError error, string source, string message)
    : Exception($"image '{source}' rejected ({error}): {message}")
{
    /// <summary>The kind of problem.</summary>
    public ImageError Error { get; } = error;

    /// <summary>The file or stream name.</summary>
    public string ImageSource { get; } = source;
}
