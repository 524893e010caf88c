using System.Reflection;

namespace Rtcr.Generators;

/// <summary>Version stamped into <c>[GeneratedCode]</c> attributes of emitted types: the generator package's own.</summary>
internal static class ThisAssembly
{
    /// <summary>
    /// The informational version without the source-revision suffix (<c>0.1.0+3f2a…</c> → <c>0.1.0</c>), so that
    /// generated code changes with a release, not with every commit.
    /// </summary>
    public static readonly string Version = Read();

    private static string Read()
    {
        var assembly = typeof(ThisAssembly).Assembly;
        string? version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                          ?? assembly.GetName().Version?.ToString();
        if (version is null) return "0.0.0";
        int plus = version.IndexOf('+');
        return plus < 0 ? version : version.Substring(0, plus);
    }
}
