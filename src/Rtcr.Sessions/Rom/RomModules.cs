using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;

namespace Rtcr.Sessions;

/// <summary>
/// The ROM modules a ROM service serves, by name (Genode serves them from its boot modules or a ROM
/// server). Modules set for one child (<see cref="SetFor(ProtectionDomain, string, byte[])"/>) are seen by that child only and take
/// precedence over the host-wide ones: a child's config, or the modules a restored child brought
/// along in its image, never reach another child of the same host.
/// </summary>
public sealed class RomModules
{
    private readonly ConcurrentDictionary<string, byte[]> _modules = new(StringComparer.Ordinal);
    private readonly ConditionalWeakTable<ProtectionDomain, ConcurrentDictionary<string, byte[]>> _owned = new();

    /// <summary>Adds or replaces a module for every child.</summary>
    public void Set(string name, byte[] content) => _modules[name] = content.ToArray();

    /// <summary>Adds or replaces a text module (UTF-8) for every child.</summary>
    public void Set(string name, string content) => Set(name, Encoding.UTF8.GetBytes(content));

    /// <summary>Adds or replaces a module that only <paramref name="owner"/> sees.</summary>
    public void SetFor(ProtectionDomain owner, string name, byte[] content) =>
        _owned.GetOrCreateValue(owner)[name] = content.ToArray();

    /// <summary>Adds or replaces a text module (UTF-8) that only <paramref name="owner"/> sees.</summary>
    public void SetFor(ProtectionDomain owner, string name, string content) => SetFor(owner, name, Encoding.UTF8.GetBytes(content));

    /// <summary>The content of a host-wide module.</summary>
    public bool TryGet(string name, out byte[] content) => _modules.TryGetValue(name, out content!);

    /// <summary>The content of a module as <paramref name="client"/> sees it (its own modules first).</summary>
    public bool TryGet(ProtectionDomain client, string name, out byte[] content)
    {
        if (_owned.TryGetValue(client, out var own) && own.TryGetValue(name, out content!)) return true;
        return TryGet(name, out content);
    }

    /// <summary>Host-wide module names.</summary>
    public IReadOnlyCollection<string> Names => _modules.Keys.ToArray();

    /// <summary>Names of the modules <paramref name="client"/> sees.</summary>
    public IReadOnlyCollection<string> NamesFor(ProtectionDomain client) =>
        _owned.TryGetValue(client, out var own) ? _modules.Keys.Union(own.Keys, StringComparer.Ordinal).ToArray() : Names;
}
