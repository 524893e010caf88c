namespace Rtcr.Sessions;

/// <summary>Core's RPC entry capability object.</summary>
internal sealed class RpcEntryComponent(string handler) : IRpcEntry
{
    public string Handler() => handler;
}
