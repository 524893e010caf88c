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
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor ConflictingRecordingAttributes = new(
        "RTCR002",
        "Method has more than one recording attribute",
        "Method '{0}' has the recording attributes {1}; keep exactly one",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor CreatesMustReturnCapability = new(
        "RTCR003",
        "[Creates] method does not return a capability",
        "[Creates] method '{0}' returns '{1}'; it must return Cap<T> of the created RPC object so the object can be recorded by badge and recreated on restore",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnsupportedParameterType = new(
        "RTCR004",
        "Type cannot be recorded",
        "'{0}' of recorded method '{1}' has type '{2}', which the state model cannot store; use bool, byte, short, int, long, uint, ulong, double, string, an enum or Cap<T>, or mark the method [Query]/[Captures] and capture the state in a hook",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor NotAnInterface = new(
        "RTCR005",
        "Only non-generic interfaces can be recorded",
        "'{0}' is marked [{1}] but is {2}; the generator records non-generic interfaces only: move the attribute to the interface the object implements",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InaccessibleInterface = new(
        "RTCR006",
        "Recorded interface is not accessible",
        "'{0}' is {1}; a recorded interface must be public or internal (and not nested in a less accessible type) so the generated recorder can implement it",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor MutableComponentField = new(
        "RTCR007",
        "Component keeps mutable state in a field",
        "Field '{0}' of component '{1}' is mutable; a component's state must live in its RAM dataspaces and capabilities, or a restore will lose it: make the field readonly/const, or move the value into component memory",
        Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnknownKeyArg = new(
        "RTCR008",
        "KeyArg names no parameter",
        "KeyArg \"{0}\" of method '{1}' names no parameter; use one of: {2}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InvalidUpgradeSignature = new(
        "RTCR009",
        "[Upgrade] method has the wrong signature",
        "[Upgrade] method '{0}' must be 'void {0}(long ramQuota, long capQuota)' so the recorder can add the donated quota",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InvalidStateHook = new(
        "RTCR010",
        "[CapturedBy] type is not a usable state hook",
        "[CapturedBy] type '{0}' {1}; it must be a class implementing Rtcr.Recording.IStateHook<{2}> with a public parameterless constructor",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InvalidReplayWithResult = new(
        "RTCR011",
        "[ReplayWithResult] cannot receive the result",
        "Parameter '{0}' of '{1}' is marked [ReplayWithResult], but {2}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor DestroysNeedsCapability = new(
        "RTCR012",
        "[Destroys] method has no capability parameter",
        "[Destroys] method '{0}' must take the Cap<T> of the object it destroys so the recorder can drop that object's record",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnsupportedMember = new(
        "RTCR013",
        "Member cannot be recorded",
        "'{0}' is {1}; a recorded interface may declare only non-generic methods: turn it into a method with a recording attribute",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor KeyFromResultNeedsResult = new(
        "RTCR014",
        "KeyFromResult needs a recordable result",
        "[Sets] method '{0}' uses KeyFromResult but returns '{1}'; return a recordable value such as the address an attach chose, or drop KeyFromResult",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnsetsUnknownKey = new(
        "RTCR015",
        "[Unsets] removes a key nothing sets",
        "[Unsets(\"{0}\")] on '{1}' removes a key that no [Sets] method of '{2}' records; check the spelling",
        Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);
}
