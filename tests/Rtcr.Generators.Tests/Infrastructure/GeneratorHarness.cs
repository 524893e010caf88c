using System.Collections.Immutable;
using System.Reflection;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Rtcr.Generators.Tests.Infrastructure;

/// <summary>Runs the Rtcr generator (and analyzer) over source text, the way the compiler does.</summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Preview, DocumentationMode.Diagnose);

    private static readonly ImmutableArray<MetadataReference> References =
        [.. Net100.References.All, MetadataReference.CreateFromFile(typeof(Rtcr.Recording.RecordingContext).Assembly.Location)];

    public static string Input(string fileName) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Inputs", fileName));

    public static CSharpCompilation Compile(params string[] sources) => CompileTrees(
        sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Source{i}.cs")).ToArray());

    /// <summary>Like <see cref="Compile"/>, also referencing Rtcr.Sessions (for snapshots of the real session interfaces).</summary>
    public static CSharpCompilation CompileWithSessions(params string[] sources) =>
        Compile(sources).AddReferences(MetadataReference.CreateFromFile(typeof(Rtcr.Sessions.IRomSession).Assembly.Location));

    /// <summary>The text of a file of the repository (the real session interfaces).</summary>
    public static string RepositoryFile(string relativePath) => File.ReadAllText(Path.Combine(RepositoryRoot(), relativePath));

    private static string RepositoryRoot([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", ".."));

    public static CSharpCompilation CompileTrees(params SyntaxTree[] trees) =>
        CSharpCompilation.Create(
            "Rtcr.Generated.Test" + Guid.NewGuid().ToString("N"),
            trees,
            References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)
                .WithUsings("System", "System.Collections.Generic", "System.Linq"));

    public static GeneratorDriver CreateDriver(bool trackSteps = false) =>
        CSharpGeneratorDriver.Create(
            [new SessionGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    /// <summary>Runs the generator; returns the generator's result and the compilation including generated sources.</summary>
    public static (GeneratorDriverRunResult Result, Compilation Output) Run(Compilation compilation)
    {
        var driver = CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        return (driver.GetRunResult(), output);
    }

    /// <summary>Generator diagnostics plus the analyzer's, for the given sources.</summary>
    public static async Task<ImmutableArray<Diagnostic>> RtcrDiagnostics(params string[] sources)
    {
        var (result, output) = Run(Compile(sources));
        var analyzed = await output.WithAnalyzers([new Diagnostics.ComponentFieldAnalyzer()])
            .GetAnalyzerDiagnosticsAsync(TestContext.Current.CancellationToken);
        return [.. result.Diagnostics, .. analyzed];
    }

    /// <summary>Assemblies already loaded, by the text of every tree they were compiled from (sources and generated files).</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Assembly>> Loaded = new();

    /// <summary>
    /// Compiles sources with the generator, fails on any error or warning, and loads the assembly. The generator runs on
    /// every call; the compiled assembly is reused only when the sources and everything generated are the same text,
    /// so a changed generator (a mutation-testing run switches mutants inside one test process) is always seen.
    /// </summary>
    public static Assembly CompileAndLoad(params string[] sources) => CompileAndLoadAllowing(null, sources);

    /// <summary>Like <see cref="CompileAndLoad"/>, but the warning <paramref name="allowedWarning"/> (e.g. RTCR015) is expected, not a failure.</summary>
    public static Assembly CompileAndLoadAllowing(string? allowedWarning, params string[] sources)
    {
        var (result, output) = Run(Compile(sources));
        string key = allowedWarning + "\0" + string.Join("\0", output.SyntaxTrees.Select(t => t.FilePath + "\n" + t.GetText()));
        var loaded = Loaded.GetOrAdd(key, _ => new Lazy<Assembly>(() => Load(result, output, allowedWarning)));
        try
        {
            return loaded.Value;
        }
        catch (InvalidOperationException)
        {
            // A failed compilation is not kept: the next call reports it again.
            Loaded.TryRemove(key, out _);
            throw;
        }
    }

    private static Assembly Load(GeneratorDriverRunResult result, Compilation output, string? allowedWarning)
    {
        var problems = result.Diagnostics.Concat(output.GetDiagnostics())
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .Where(d => !(d.Severity == DiagnosticSeverity.Warning && d.Id == allowedWarning))
            // Test inputs need no XML docs; generated code must have them (it is compiled into public APIs).
            .Where(d => !(d.Id == "CS1591" && d.Location.SourceTree?.FilePath.StartsWith("Source", StringComparison.Ordinal) == true))
            .ToList();
        if (problems.Count > 0)
            throw new InvalidOperationException("compilation failed:\n" + string.Join("\n", problems));
        using var stream = new MemoryStream();
        var emitted = output.Emit(stream);
        if (!emitted.Success) throw new InvalidOperationException("emit failed:\n" + string.Join("\n", emitted.Diagnostics));
        return Assembly.Load(stream.ToArray());
    }
}
