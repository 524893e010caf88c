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
    };

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
