namespace Rtcr.Generators;

/// <summary>Version stamped into <c>[GeneratedCode]</c> attributes of emitted types.</summary>
internal static class ThisAssembly
{
    public const string Version = "0.1.0";
}
