using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Rtcr.Generators.Diagnostics;
using Rtcr.Generators.Emitting;
using Rtcr.Generators.Model;
using Rtcr.Generators.Parsing;

namespace Rtcr.Generators;

/// <summary>
/// Emits, for every interface marked <c>[RtcrSession]</c> or <c>[RtcrRpcObject]</c>, a recording proxy, a
/// state model and a replayer, plus one <c>Rtcr.Generated.RtcrRecorders</c> per assembly. This file is the
/// pipeline only: parsing is in <see cref="InterfaceParser"/>, emitting in the emitters. Every interface
/// flows through its own branch of the pipeline (nothing is collected before emitting), so adding, removing
/// or editing one interface re-emits only that interface's files.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class SessionGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var sessions = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownNames.SessionAttribute,
                static (_, _) => true,
                static (ctx, ct) => InterfaceParser.Parse(ctx, isSession: true, ct))
            .WithTrackingName(TrackingNames.SessionParse);

        var rpcObjects = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownNames.RpcObjectAttribute,
                static (_, _) => true,
                // A type marked both ways is treated as a session (and generated once).
                static (ctx, ct) => ctx.TargetSymbol.GetAttributes().Any(a => a.AttributeClass.Is(KnownNames.SessionAttribute))
                    ? new ParseResult(null, EquatableArray<DiagnosticInfo>.Empty)
                    : InterfaceParser.Parse(ctx, isSession: false, ct))
            .WithTrackingName(TrackingNames.RpcObjectParse);

        var sessionSpecs = Emit(context, sessions);
        Emit(context, rpcObjects);

        var registrations = sessionSpecs
            .Where(static spec => spec.IsSession)
            .Select(static (spec, _) => new RegistrationSpec(spec.FullName, spec.Names.Recorder, spec.Names.Replayer))
            .Collect()
            .WithTrackingName(TrackingNames.Registrations);
        context.RegisterSourceOutput(registrations, static (spc, sessions) =>
        {
            if (sessions.Length > 0) spc.AddSource(RegistrationEmitter.HintName, RegistrationEmitter.Emit(sessions));
        });

        // The one check that needs every session at once: a service name belongs to one interface.
        var services = sessions
            .Where(static result => result.Service is not null)
            .Select(static (result, _) => result.Service!)
            .Collect()
            .WithTrackingName(TrackingNames.Services);
        context.RegisterSourceOutput(services, static (spc, all) => ReportDuplicateServices(spc, all));
    }

    /// <summary>Reports one branch's diagnostics and emits its valid interfaces, one output per interface.</summary>
    private static IncrementalValuesProvider<InterfaceSpec> Emit(IncrementalGeneratorInitializationContext context, IncrementalValuesProvider<ParseResult> results)
    {
        var diagnostics = results
            .SelectMany(static (result, _) => result.Diagnostics)
            .WithTrackingName(TrackingNames.Diagnostics);
        context.RegisterSourceOutput(diagnostics, static (spc, info) => spc.ReportDiagnostic(info.ToDiagnostic()));

        var specs = results
            .Where(static result => result.Spec is not null)
            .Select(static (result, _) => result.Spec!)
            .WithTrackingName(TrackingNames.Specs);
        context.RegisterSourceOutput(specs, static (spc, spec) =>
        {
            spc.AddSource(spec.HintName + ".Recorder.g.cs", RecorderEmitter.Emit(spec));
            spc.AddSource(spec.HintName + ".State.g.cs", StateModelEmitter.Emit(spec));
            spc.AddSource(spec.HintName + ".Replayer.g.cs", ReplayerEmitter.Emit(spec));
        });
        return specs;
    }

    private static void ReportDuplicateServices(SourceProductionContext spc, ImmutableArray<ServiceSpec> all)
    {
        foreach (var group in all.GroupBy(s => s.Service, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            // The first declaration (by file and position) keeps the name; every later one is reported.
            var ordered = group.OrderBy(s => s.Location?.FilePath, StringComparer.Ordinal).ThenBy(s => s.Location?.Span.Start).ToList();
            foreach (var later in ordered.Skip(1))
                spc.ReportDiagnostic(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateService, later.Location, later.Interface, later.Service, ordered[0].Interface).ToDiagnostic());
        }
    }
}
