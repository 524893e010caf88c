using Microsoft.CodeAnalysis;

namespace Rtcr.Generators.Diagnostics;

/// <summary>Every diagnostic of the Rtcr generator and analyzer. IDs are stable; see AnalyzerReleases.*.md.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "Rtcr";

    public static readonly DiagnosticDescriptor MissingRecordingAttribute = new(
        "RTCR001",
        "Method has no recording attribute",
        "Method '{0}' of '{1}' has no recording attribute; mark it [Query], [Creates], [Destroys], [Sets], [Unsets], [Upgrade] or [Captures] so the recorder knows whether a restore must repeat it",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("RTCR001"));

    public static readonly DiagnosticDescriptor ConflictingRecordingAttributes = new(
        "RTCR002",
        "Method has more than one recording attribute",
        "Method '{0}' has the recording attributes {1}; keep exactly one",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("RTCR002"));

    public static readonly DiagnosticDescriptor CreatesMustReturnCapability = new(
        "RTCR003",
        "[Creates] method does not return a capability",
        "[Creates] method '{0}' returns '{1}'; it must return Cap<T> of the created RPC object so the object can be recorded by badge and recreated on restore",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("RTCR003"));

    public static readonly DiagnosticDescriptor UnsupportedParameterType = new(
        "RTCR004",
        "Type cannot be recorded",
        "Parameter '{0}' of recorded method '{1}' has type '{2}', which the state model cannot store; use bool, byte, short, int, long, uint, ulong, double, string, an enum or Cap<T>, or mark the method [Query]/[Captures] and capture the state in a hook",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("RTCR004"));

    public static readonly DiagnosticDescriptor NotAnInterface = new(
        "RTCR005",
        "Only non-generic interfaces can be recorded",
        "'{0}' is marked [{1}] but is {2}; the generator records non-generic interfaces only: {3}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("RTCR005"));

    public static readonly DiagnosticDescriptor InaccessibleInterface = new(
        "RTCR006",
        "Recorded interface is not accessible",
        "'{0}' is {1}; a recorded interface must be public or internal (and not nested in a less accessible type) so the generated recorder can implement it",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("RTCR006"));

    public static readonly DiagnosticDescriptor MutableComponentField = new(
        "RTCR007",
        "Component keeps mutable state in a field or auto-property",
        "'{0}' of component '{1}' is a mutable field or auto-property; a component's state must live in its RAM dataspaces and capabilities, or a restore will lose it: make it readonly, const or get/init-only, or move the value into component memory",
        Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLink("RTCR007"));

    public static readonly DiagnosticDescriptor UnknownKeyArg = new(
        "RTCR008",
        "KeyArg names no parameter",
        "KeyArg \"{0}\" of method '{1}' names no parameter; use one of: {2}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("RTCR008"));

    public static readonly DiagnosticDescriptor InvalidUpgradeSignature = new(
        "RTCR009",
        "[Upgrade] method has the wrong signature",
        "[Upgrade] method '{0}' must be 'void {0}(long ramQuota, long capQuota)' so the recorder can add the donated quota",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("RTCR009"));

    public static readonly DiagnosticDescriptor InvalidStateHook = new(
        "RTCR010",
        "[CapturedBy] type is not a usable state hook",
        "[CapturedBy] type '{0}' {1}; it must be a class implementing Rtcr.Recording.IStateHook<{2}> with a public parameterless constructor",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("RTCR010"));

    public static readonly DiagnosticDescriptor InvalidReplayWithResult = new(
        "RTCR011",
        "[ReplayWithResult] cannot receive the result",
        "Parameter '{0}' of '{1}' is marked [ReplayWithResult], but {2}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("RTCR011"));

    public static readonly DiagnosticDescriptor DestroysNeedsCapability = new(
        "RTCR012",
        "[Destroys] method has no capability parameter",
        "[Destroys] method '{0}' must take the Cap<T> of the object it destroys so the recorder can drop that object's record",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("RTCR012"));

    public static readonly DiagnosticDescriptor UnsupportedMember = new(
        "RTCR013",
        "Member cannot be recorded",
        "'{0}' is {1}, which a recorded interface cannot declare: {2}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("RTCR013"));

    public static readonly DiagnosticDescriptor KeyFromResultNeedsResult = new(
        "RTCR014",
        "KeyFromResult needs a recordable result",
        "[Sets] method '{0}' uses KeyFromResult but returns '{1}'; return a recordable value such as the address an attach chose, or drop KeyFromResult",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("RTCR014"));

    public static readonly DiagnosticDescriptor UnsetsUnknownKey = new(
        "RTCR015",
        "[Unsets] removes a key nothing sets",
        "[Unsets(\"{0}\")] on '{1}' removes a key that no [Sets] method of '{2}' records; check the spelling",
        Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLink("RTCR015"));

    public static readonly DiagnosticDescriptor UnsetsKeyShape = new(
        "RTCR016",
        "[Unsets] and [Sets] disagree on the key's shape",
        "[Unsets(\"{0}\")] on '{1}' would remove nothing: [Sets] method '{2}' {3}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("RTCR016"));

    public static readonly DiagnosticDescriptor MixedKeyShapes = new(
        "RTCR017",
        "One key is set both as a constant and per argument",
        "[Sets(\"{0}\")] on '{1}' extends the key by an argument or result, but '{2}' sets the same key as a constant; the recorder would keep both records, so give the two methods different keys",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("RTCR017"));

    public static readonly DiagnosticDescriptor DuplicateService = new(
        "RTCR018",
        "Two sessions have the same service name",
        "Session '{0}' has the service name \"{1}\" that '{2}' already has; a registry keeps one recorder per service name, so give each session interface its own",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("RTCR018"));

    public static readonly DiagnosticDescriptor AsynchronousRecordedMethod = new(
        "RTCR019",
        "Recorded method is asynchronous",
        "{2} method '{0}' returns '{1}'; the recorder would record the call before the task completes, even when it fails: make the method synchronous, or mark it [Query] if it changes nothing a restore needs",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("RTCR019"));

    public static readonly DiagnosticDescriptor EmptyServiceName = new(
        "RTCR020",
        "Session has an empty service name",
        "[RtcrSession] on '{0}' names an empty service; a parent routes session requests by this name, so give it one such as [RtcrSession(\"ROM\")]",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("RTCR020"));

    public static readonly DiagnosticDescriptor DuplicateWireName = new(
        "RTCR021",
        "Two recorded methods have one wire name",
        "Recorded method '{0}' is stored under the wire name \"{1}\", but {2}; an image could not tell their calls apart, so {3}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("RTCR021"));

    public static readonly DiagnosticDescriptor WireNameNotStored = new(
        "RTCR022",
        "[WireName] on a method whose calls are not stored",
        "[WireName] on '{0}' has no effect: {1} calls are not stored in images, only [Creates] and [Sets] calls are; remove the attribute",
        Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLink("RTCR022"));

    /// <summary>
    /// The section of docs/diagnostics.md that explains <paramref name="id"/>, relative to the repository root
    /// (the repository has no published address yet; prefix one here when it has).
    /// </summary>
    public static string HelpLink(string id) => "docs/diagnostics.md#" + id.ToLowerInvariant();
}
