namespace Rtcr.Samples;

/// <summary>A component's ROM <c>config</c> is missing, malformed or has an invalid value.</summary>
public sealed class ConfigException(string component, string message) : Exception($"{component}: bad config: {message}")
{
    /// <summary>The component whose config is bad.</summary>
    public string Component { get; } = component;
}
