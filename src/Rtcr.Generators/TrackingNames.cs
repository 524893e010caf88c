namespace Rtcr.Generators;

/// <summary>Names of the pipeline steps, so tests can assert which of them re-ran after an edit.</summary>
public static class TrackingNames
{
    /// <summary>Parse results of <c>[RtcrSession]</c> interfaces.</summary>
    public const string SessionParse = nameof(SessionParse);

    /// <summary>Parse results of <c>[RtcrRpcObject]</c> interfaces.</summary>
    public const string RpcObjectParse = nameof(RpcObjectParse);

    /// <summary>Diagnostics of every parse result.</summary>
    public const string Diagnostics = nameof(Diagnostics);

    /// <summary>Valid interface models, the input of the emitters.</summary>
    public const string Specs = nameof(Specs);

    /// <summary>Session names for <c>RtcrRecorders.RegisterAll</c>.</summary>
    public const string Registrations = nameof(Registrations);

    /// <summary>Service names of every session, checked for duplicates.</summary>
    public const string Services = nameof(Services);
}
