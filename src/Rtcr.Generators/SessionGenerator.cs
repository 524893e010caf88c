using System.Linq;
using Microsoft.CodeAnalysis;
using Rtcr.Generators.Emitting;
using Rtcr.Generators.Model;
using Rtcr.Generators.Parsing;

namespace Rtcr.Generators;

/// <summary>
/// Emits, for every interface marked <c>[RtcrSession]</c> or <c>[RtcrRpcObject]</c>, a recording proxy, a
/// state model and a replayer, plus one <c>Rtcr.Generated.RtcrRecorders</c> per assembly. This file is the
/// pipeline only: parsing is in <see cref="InterfaceParser"/>, emitting in the emitters.
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
                    ? new ParseResult(null, EquatableArray<Diagnostics.DiagnosticInfo>.Empty)
                    : InterfaceParser.Parse(ctx, isSession: false, ct))
            .WithTrackingName(TrackingNames.RpcObjectParse);

        var results = sessions.Collect().Combine(rpcObjects.Collect())
            .SelectMany(static (pair, _) => pair.Left.AddRange(pair.Right));

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
            string prefix = (spec.Namespace.Length > 0 ? spec.Namespace + "." : "") + spec.Name;
            spc.AddSource(prefix + ".Recorder.g.cs", RecorderEmitter.Emit(spec));
            spc.AddSource(prefix + ".State.g.cs", StateModelEmitter.Emit(spec));
            spc.AddSource(prefix + ".Replayer.g.cs", ReplayerEmitter.Emit(spec));
        });

        var registrations = specs
            .Where(static spec => spec.IsSession)
            .Select(static (spec, _) => new RegistrationSpec(spec.FullName, spec.Names.Recorder, spec.Names.Replayer))
            .Collect()
            .WithTrackingName(TrackingNames.Registrations);
        context.RegisterSourceOutput(registrations, static (spc, sessions) =>
        {
            if (sessions.Length > 0) spc.AddSource(RegistrationEmitter.HintName, RegistrationEmitter.Emit(sessions));
        });
    }
}
