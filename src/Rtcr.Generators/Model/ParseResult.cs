using Rtcr.Generators.Diagnostics;

namespace Rtcr.Generators.Model;

/// <summary>The outcome of parsing one annotated type: a model when it is valid, the diagnostics found, and its service name for the cross-interface check.</summary>
internal sealed record ParseResult(InterfaceSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics, ServiceSpec? Service = null);
