namespace Rtcr.Generators.Parsing;

/// <summary>Metadata names of the Rtcr types the parser recognizes.</summary>
internal static class KnownNames
{
    public const string SessionAttribute = "Rtcr.RtcrSessionAttribute";
    public const string RpcObjectAttribute = "Rtcr.RtcrRpcObjectAttribute";
    public const string QueryAttribute = "Rtcr.QueryAttribute";
    public const string CreatesAttribute = "Rtcr.CreatesAttribute";
    public const string DestroysAttribute = "Rtcr.DestroysAttribute";
    public const string SetsAttribute = "Rtcr.SetsAttribute";
    public const string UnsetsAttribute = "Rtcr.UnsetsAttribute";
    public const string UpgradeAttribute = "Rtcr.UpgradeAttribute";
    public const string CapturesAttribute = "Rtcr.CapturesAttribute";
    public const string CapturedByAttribute = "Rtcr.CapturedByAttribute";
    public const string ReplayWithResultAttribute = "Rtcr.ReplayWithResultAttribute";
    public const string WireNameAttribute = "Rtcr.WireNameAttribute";
    public const string Cap = "Rtcr.Capabilities.Cap`1";
    public const string StateHook = "Rtcr.Recording.IStateHook`1";
    public const string Component = "Rtcr.IComponent";
}
