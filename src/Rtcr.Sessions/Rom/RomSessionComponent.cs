using Rtcr.Capabilities;
using Rtcr.Execution;
using Rtcr.Memory;

namespace Rtcr.Sessions;

/// <summary>
/// Core's ROM session: a read-only dataspace with the module's content, plus a signal when the module
/// changes. The module is named by the session label's last element, as in Genode.
/// </summary>
public sealed class RomSessionComponent(ProtectionDomain client, string module, RomModules modules) : IRomSession, IDisposable
{
    private Cap<IDataspace> _dataspace;
    private long _dataspaceBadge;
    private RamDataspace? _memory;
    private SignalContext? _sigh;

    /// <summary>The module name.</summary>
    public string Module { get; } = module;

    /// <inheritdoc />
    public Cap<IDataspace> Dataspace()
    {
        if (_dataspaceBadge != 0) return _dataspace = client.Reinstall(_dataspace, _dataspaceBadge);
        if (!modules.TryGet(client, Module, out var content))
            throw new KeyNotFoundException($"ROM module '{Module}' does not exist (modules: {string.Join(", ", modules.NamesFor(client).Order())})");
        _memory = new RamDataspace(Math.Max(1, content.Length));
        content.CopyTo(_memory.GetSpan(0, content.Length));
        _dataspace = client.Install<IDataspace>(new DataspaceComponent(_memory, writable: false));
        _dataspaceBadge = client.BadgeOf(_dataspace);
        return _dataspace;
    }

    /// <inheritdoc />
    public void Sigh(Cap<ISignalContext> handler) => _sigh = handler.IsValid ? client.Invoke(handler).Context() : null;

    /// <inheritdoc />
    public bool Update()
    {
        if (_memory is null || !modules.TryGet(client, Module, out var content) || content.Length > _memory.Size) return false;
        var span = _memory.GetSpan(0, (int)_memory.Size);
        span.Clear();
        content.CopyTo(span);
        return true;
    }

    /// <summary>Tells the client that the module changed (the host calls this after changing the module).</summary>
    public void NotifyChanged() => _sigh?.Submit(1);

    /// <summary>Frees the module's dataspace (session closed).</summary>
    public void Dispose() => _memory?.Dispose();
}
