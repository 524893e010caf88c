using System.Collections.Concurrent;
using System.Text;

namespace Rtcr.Sessions;

/// <summary>The ROM modules a ROM service serves, by name (Genode serves them from its boot modules or a ROM server).</summary>
public sealed class RomModules
{
    private readonly ConcurrentDictionary<string, byte[]> _modules = new(StringComparer.Ordinal);

    /// <summary>Adds or replaces a module.</summary>
    public void Set(string name, byte[] content) => _modules[name] = content.ToArray();

    /// <summary>Adds or replaces a text module (UTF-8).</summary>
    public void Set(string name, string content) => Set(name, Encoding.UTF8.GetBytes(content));

    /// <summary>The content of a module.</summary>
    public bool TryGet(string name, out byte[] content) => _modules.TryGetValue(name, out content!);

    /// <summary>Module names.</summary>
    public IReadOnlyCollection<string> Names => _modules.Keys.ToArray();
}
