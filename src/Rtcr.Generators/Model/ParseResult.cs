using Rtcr.Generators.Diagnostics;

namespace Rtcr.Generators.Model;

/// <summary>The outcome of parsing one annotated type: a model when it is valid, and the diagnostics found.</summary>
internal sealed record ParseResult(InterfaceSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics);
