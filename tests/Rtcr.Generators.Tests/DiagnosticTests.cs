using Microsoft.CodeAnalysis;
using Rtcr.Generators.Tests.Infrastructure;

namespace Rtcr.Generators.Tests;

/// <summary>Each diagnostic fires at the offending syntax (marked <c>/*!*/</c> in the source); valid code has none.</summary>
public sealed class DiagnosticTests
{
    private const string Usings = "using Rtcr; using Rtcr.Capabilities; using Rtcr.Recording;\nnamespace N;\n";

    public static TheoryData<string, string> Cases => new()
    {
        { "RTCR001", "[RtcrSession(\"S\")] public interface IS { void /*!*/Forgot(); }" },
        { "RTCR002", "[RtcrSession(\"S\")] public interface IS { [Query, Sets(\"k\")] void /*!*/Both(); }" },
        { "RTCR003", "[RtcrSession(\"S\")] public interface IS { [Creates] /*!*/int Make(); }" },
        { "RTCR004", "[RtcrSession(\"S\")] public interface IS { [Sets(\"k\")] void Set(/*!*/System.DateTime when); }" },
        { "RTCR005", "[RtcrSession(\"S\")] public class /*!*/NotAnInterface { }" },
        { "RTCR005", "[RtcrRpcObject] public interface /*!*/IGeneric<T> { [Query] T Get(); }" },
        { "RTCR006", "public class Outer { [RtcrSession(\"S\")] private interface /*!*/IHidden { [Query] int Q(); } }" },
        { "RTCR007", "public sealed class Counter : IComponent { private int /*!*/_count; private readonly int _fine; private const int Fine = 1; private static int _alsoFine; }" },
        { "RTCR008", "[RtcrSession(\"S\")] public interface IS { [/*!*/Sets(\"k\", KeyArg = \"nope\")] void Set(int value); }" },
        { "RTCR009", "[RtcrSession(\"S\")] public interface IS { [Upgrade] void /*!*/Upgrade(int ram); }" },
        { "RTCR010", "public sealed class WrongHook { } [RtcrSession(\"S\")] [/*!*/CapturedBy(typeof(WrongHook))] public interface IS { [Query] int Q(); }" },
        { "RTCR011", "[RtcrSession(\"S\")] public interface IS { [Sets(\"k\")] void Set(/*!*/[ReplayWithResult] long at); }" },
        { "RTCR012", "[RtcrSession(\"S\")] public interface IS { [Destroys] void /*!*/Drop(int id); }" },
        { "RTCR013", "[RtcrSession(\"S\")] public interface IS { int /*!*/Count { get; } }" },
        { "RTCR014", "[RtcrSession(\"S\")] public interface IS { [Sets(\"k\", KeyFromResult = true)] /*!*/void Set(int value); }" },
        { "RTCR015", "[RtcrSession(\"S\")] public interface IS { [Sets(\"a\")] void Set(int v); [Unsets(\"b\")] void /*!*/Unset(); }" },
        { "RTCR007", "public sealed class Counter : IComponent { public int /*!*/Count { get; set; } public int Fixed { get; } public int Once { get; init; } }" },
        { "RTCR016", "[RtcrSession(\"S\")] public interface IS { [Sets(\"k\", KeyArg = \"id\")] void Set(int id, int v); [Unsets(\"k\")] void /*!*/Clear(); }" },
        { "RTCR017", "[RtcrSession(\"S\")] public interface IS { [Sets(\"k\")] void SetAll(int v); [Sets(\"k\", KeyArg = \"id\")] void /*!*/Set(int id, int v); }" },
        { "RTCR018", "[RtcrSession(\"S\")] public interface IA { [Query] int Q(); } [RtcrSession(\"S\")] public interface /*!*/IB { [Query] int Q(); }" },
        { "RTCR019", "[RtcrSession(\"S\")] public interface IS { [Sets(\"v\")] /*!*/System.Threading.Tasks.Task SetAsync(int value); }" },
        { "RTCR020", "[RtcrSession(\"\")] public interface /*!*/IS { [Query] int Q(); }" },
        { "RTCR021", "[RtcrSession(\"S\")] public interface IS { [Sets(\"a\"), WireName(\"Mode\")] void SetMode(int m); [Sets(\"b\")] void /*!*/Mode(long m); }" },
        { "RTCR022", "[RtcrSession(\"S\")] public interface IS { [Query, /*!*/WireName(\"Old\")] int Count(); }" },
    };

    /// <summary>
    /// The rendered diagnostics (id, severity, position, message, help link) of every case, compared with
    /// reviewed snapshots next to the source snapshots, so a message change is a reviewed change.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Diagnostic_messages_match_their_snapshots(string id, string source)
    {
        var diagnostics = await GeneratorHarness.RtcrDiagnostics(Usings + source);

        string text = string.Join("\n", diagnostics.Where(d => d.Id.StartsWith("RTCR", StringComparison.Ordinal)).Select(d =>
            $"{d.Id} {d.Severity} at {d.Location.GetLineSpan().StartLinePosition}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}\n  help: {d.Descriptor.HelpLinkUri}")) + "\n";
        var sameId = Cases.Select(c => c.Data).Where(d => d.Item1 == id).Select(d => d.Item2).ToList();
        string hint = sameId.Count > 1 ? id + "-" + (sameId.IndexOf(source) + 1) : id;
        Snapshot.Verify(hint + ".txt", text);
    }

    [Fact]
    public void Every_diagnostic_links_to_its_section_of_docs_diagnostics_md()
    {
        string page = GeneratorHarness.RepositoryFile("docs/diagnostics.md");
        var ids = GeneratorHarness.RepositoryFile("src/Rtcr.Generators/AnalyzerReleases.Unshipped.md").Split('\n')
            .Where(l => l.StartsWith("RTCR", StringComparison.Ordinal)).Select(l => l.Split(' ')[0]).ToList();
        Assert.Equal(22, ids.Count);
        foreach (string id in ids) Assert.Contains("\n## " + id + "\n", page);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Help_link_points_at_the_diagnostics_page(string id, string source)
    {
        var diagnostic = (await GeneratorHarness.RtcrDiagnostics(Usings + source)).First(d => d.Id == id);
        Assert.Equal("docs/diagnostics.md#" + id.ToLowerInvariant(), diagnostic.Descriptor.HelpLinkUri);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Diagnostic_points_at_the_offending_syntax(string id, string source)
    {
        string text = Usings + source;
        int marker = text.IndexOf("/*!*/", StringComparison.Ordinal);

        var diagnostics = await GeneratorHarness.RtcrDiagnostics(text);

        var diagnostic = Assert.Single(diagnostics, d => d.Id.StartsWith("RTCR", StringComparison.Ordinal));
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(marker + "/*!*/".Length, diagnostic.Location.SourceSpan.Start);
        Assert.False(string.IsNullOrWhiteSpace(diagnostic.GetMessage()));
    }

    [Fact]
    public void Unsupported_type_diagnostic_names_the_type()
    {
        var (result, _) = GeneratorHarness.Run(GeneratorHarness.Compile(Usings +
            "[RtcrSession(\"S\")] public interface IS { [Creates] Cap<IS> Make(System.Guid id); }"));

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("RTCR004", diagnostic.Id);
        Assert.Contains("'System.Guid'", diagnostic.GetMessage());
    }

    [Fact]
    public void Interface_with_errors_generates_nothing()
    {
        var (result, _) = GeneratorHarness.Run(GeneratorHarness.Compile(Usings + "[RtcrSession(\"S\")] public interface IS { void Forgot(); }"));

        Assert.Empty(result.Results.Single().GeneratedSources);
    }

    [Fact]
    public async Task Valid_services_have_no_diagnostics()
    {
        var diagnostics = await GeneratorHarness.RtcrDiagnostics(GeneratorHarness.Input("KeyValueService.cs"));

        Assert.DoesNotContain(diagnostics, d => d.Id.StartsWith("RTCR", StringComparison.Ordinal));
    }

    [Fact]
    public void Real_session_interfaces_have_no_diagnostics_and_compile()
    {
        // Rtcr.Sessions itself is built with the generator: if it is loaded, its generated code compiled.
        var sessions = typeof(Rtcr.Sessions.IPdSession).Assembly;
        foreach (string name in new[] { "PdSession", "CpuSession", "RamSession", "RmSession", "LogSession", "TimerSession", "RomSession" })
        {
            Assert.NotNull(sessions.GetType($"Rtcr.Sessions.{name}Recorder"));
            Assert.NotNull(sessions.GetType($"Rtcr.Sessions.{name}State"));
            Assert.NotNull(sessions.GetType($"Rtcr.Sessions.{name}Replayer"));
        }
        Assert.NotNull(sessions.GetType("Rtcr.Generated.RtcrRecorders"));
    }
}
