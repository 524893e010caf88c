using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Rtcr.Generators.Tests.Infrastructure;

namespace Rtcr.Generators.Tests;

/// <summary>
/// The generator never emits code that does not compile: every interface shape in the corpus either
/// compiles with zero errors and zero warnings (warnings count as errors, as in this repository's build),
/// or yields exactly its diagnostic and no generated code for that interface.
/// </summary>
public sealed class ShapeCorpusTests
{
    private const string Usings = "using System; using System.Threading.Tasks; using Rtcr; using Rtcr.Capabilities; using Rtcr.Recording;\n";
    private const string Ns = Usings + "namespace Shapes;\n";

    /// <summary>Name, source, the diagnostic it must produce (null: it must compile cleanly).</summary>
    public static TheoryData<string, string, string?> Corpus => new()
    {
        // Overloads and names.
        { "overloads_sharing_parameter_names", Ns + "[RtcrSession(\"S\")] public interface IS { [Sets(\"v\")] void Set(int value); [Sets(\"v\")] void Set(string value); [Sets(\"v\")] void Set(long value, bool hard); }", null },
        { "overloads_on_different_keys", Ns + "[RtcrSession(\"S\")] public interface IS { [Sets(\"a\")] void Set(int value); [Sets(\"b\")] void Set(string value); }", null },
        { "parameters_differing_in_case", Ns + "[RtcrSession(\"S\")] public interface IS { [Sets(\"v\")] void Set(int value, int Value); }", null },
        { "parameter_named_like_a_call_member", Ns + "[RtcrSession(\"S\")] public interface IS { [Sets(\"v\")] void Set(int method, int badge, int key, int sequence, int @object); }", null },
        { "parameter_named_like_a_recorder_field", Ns + "[RtcrSession(\"S\")] public interface IS { [Sets(\"v\")] void Set(int _inner, int _gate, int _context, int _args); [Query] int Get(int _inner); }", null },
        { "parameter_named_like_locals", Ns + "[RtcrSession(\"S\")] public interface IS { [Creates] Cap<IS> Make(int result, int badge, int created, int recorder, int call); [Sets(\"k\", KeyArg = \"key\")] void Set(int key, int call, int result); }", null },
        { "parameter_named_like_the_call_type", Ns + "[RtcrSession(\"S\")] public interface IS { [Sets(\"v\")] void Set(int setCall, int call, int setting, int creation); }", null },
        { "keyword_parameter_names", Ns + "[RtcrSession(\"S\")] public interface IS { [Sets(\"v\")] void Set(int @class, string @event, bool @default); }", null },
        { "keyword_method_name", Ns + "[RtcrSession(\"S\")] public interface IS { [Sets(\"v\")] void @class(int x); [Query] int @event(); }", null },
        { "keys_differing_in_punctuation", Ns + "[RtcrSession(\"S\")] public interface IS { [Sets(\"a-b\")] void A(int x); [Sets(\"a_b\")] void B(int x); [Sets(\"a b\")] void C(int x); [Sets(\"ab\")] void D(int x); }", null },
        { "keys_empty_and_digits", Ns + "[RtcrSession(\"S\")] public interface IS { [Sets(\"\")] void A(int x); [Sets(\"1\")] void B(int x); [Sets(\"-\")] void C(int x); }", null },
        { "key_with_quotes_and_newline", Ns + "[RtcrSession(\"S\")] public interface IS { [Sets(\"a\\\"b\\\\c\\nd{e}\")] void A(int x); [Sets(\"k{x}\", KeyArg = \"x\")] void B(int x); [Unsets(\"a\\\"b\\\\c\\nd{e}\")] void C(); }", null },
        { "key_slot_like_parameter_field", Ns + "[RtcrSession(\"S\")] public interface IS { [Sets(\"foo\")] void Foo(int keyOrder); [Sets(\"foo\")] void Foo2(int keyMethod, int x); }", null },
        // Members the generated types define themselves.
        { "method_named_Read", Ns + "[RtcrSession(\"S\")] public interface IS { [Sets(\"r\")] void Read(int x); [Query] int Write(); }", null },
        { "method_named_Capture", Ns + "[RtcrSession(\"S\")] public interface IS { [Query] int Capture(); [Sets(\"c\")] void Capture(int x); }", null },
        { "method_named_Capture_returning_void", Ns + "[RtcrSession(\"S\")] public interface IS { [Captures] void Capture(); }", null },
        { "method_named_Service_and_Args", Ns + "[RtcrSession(\"S\")] public interface IS { [Query] string Service(); [Query] int Args(); }", null },
        { "method_named_Inner", Ns + "[RtcrSession(\"S\")] public interface IS { [Sets(\"i\")] void Inner(int x); }", null },
        { "method_named_Set", Ns + "[RtcrSession(\"S\")] public interface IS { [Sets(\"k\", KeyArg = \"k\")] void Set(string k, int v); }", null },
        { "method_named_ToString", Ns + "[RtcrSession(\"S\")] public interface IS { [Query] string ToString(); [Query] int GetHashCode(); [Query] bool Equals(object? other); }", null },
        { "method_named_like_the_recorder", Ns + "[RtcrSession(\"S\")] public interface IS { [Query] int SRecorder(); [Query] int SState(); }", null },
        { "method_named_like_state_members", Ns + "[RtcrSession(\"S\")] public interface IS { [Sets(\"a\")] void Schema(int x); [Sets(\"b\")] void Settings(int x); [Creates] Cap<IS> Objects(); [Sets(\"c\")] void ToRecord(int x); [Sets(\"d\")] void SettingRecords(int x); [Sets(\"e\")] void UpgradedRam(long x); }", null },
        { "method_named_Call_and_Creation", Ns + "[RtcrSession(\"S\")] public interface IS { [Sets(\"a\")] void Call(int x); [Creates] Cap<IS> Creation(); [Sets(\"s\")] void Setting(int x); [Sets(\"r\")] void ReadCall(int x); }", null },
        { "methods_Foo_and_Foo2_overloaded", Ns + "[RtcrSession(\"S\")] public interface IS { [Sets(\"a\")] void Foo(int x); [Sets(\"b\")] void Foo(long x); [Sets(\"c\")] void Foo2(int x); }", null },
        // Namespaces, nesting and names.
        { "global_namespace", Usings + "[RtcrSession(\"S\")] public interface IGlobal { [Sets(\"v\")] void Set(int value); [Creates] Cap<IGlobalObject> Make(); }\n[RtcrRpcObject] public interface IGlobalObject { [Sets(\"v\")] void Set(string value); }", null },
        { "nested_interface", Ns + "public static class Outer { [RtcrSession(\"S\")] public interface IS { [Sets(\"v\")] void Set(int value); } }", null },
        { "two_nested_interfaces_with_one_name", Ns + "public static class A { [RtcrSession(\"SA\")] public interface IS { [Sets(\"v\")] void Set(int value); } }\npublic static class B { [RtcrSession(\"SB\")] public interface IS { [Sets(\"v\")] void Set(long value); } }", null },
        { "nested_in_generic_type", Ns + "public class Outer<T> { [RtcrSession(\"S\")] public interface /*!*/IS { [Query] int Q(); } }", "RTCR005" },
        { "keyword_namespace", Usings + "namespace @event.@class; [RtcrSession(\"S\")] public interface IS { [Sets(\"v\")] void Set(int value); }", null },
        { "interface_without_I_prefix", Ns + "[RtcrSession(\"S\")] public interface Store { [Sets(\"v\")] void Set(int value); }", null },
        { "interface_named_I", Ns + "[RtcrSession(\"S\")] public interface I { [Sets(\"v\")] void Set(int value); }", null },
        { "type_named_like_its_namespace", Ns + "public sealed class Shapes { }\n[RtcrSession(\"S\")] public interface IS { [Sets(\"v\")] void Set(int value); [Creates] Cap<IO> Make(); }\n[RtcrRpcObject] public interface IO { [Sets(\"v\")] void Set(int value); }", null },
        { "type_named_Rtcr_in_the_namespace", Ns + "public static class Rtcr { }\n[RtcrSession(\"S\")] public interface IS { [Sets(\"v\")] void Set(int value); }", null },
        { "user_type_named_like_generated", Ns + "public sealed class SState { } public sealed class SRecorder { }\n[RtcrSession(\"S\")] public interface IS { [Sets(\"v\")] void Set(int value); }", null },
        { "internal_interface", Ns + "[RtcrSession(\"S\")] internal interface IS { [Sets(\"v\")] void Set(int value); [Creates] Cap<IO> Make(); }\n[RtcrRpcObject] internal interface IO { [Sets(\"v\")] void Set(int value); }", null },
        // Service names.
        { "service_name_with_braces_quotes_backslash", Ns + "[RtcrSession(\"a{b}\\\"c\\\\d\")] public interface IS { [Sets(\"v\")] void Set(int value); [Upgrade] void Upgrade(long ram, long caps); }", null },
        { "service_name_with_xml_and_newline", Ns + "[RtcrSession(\"<a & b>\\n// c\")] public interface IS { [Sets(\"v\")] void Set(int value); }", null },
        { "service_name_empty", Ns + "[RtcrSession(\"\")] public interface /*!*/IS { [Query] int Q(); }", "RTCR020" },
        { "two_interfaces_one_service", Ns + "[RtcrSession(\"S\")] public interface IA { [Query] int Q(); }\n[RtcrSession(\"S\")] public interface /*!*/IB { [Query] int Q(); }", "RTCR018" },
        // Parameters.
        { "ref_out_in_on_query", Ns + "[RtcrSession(\"S\")] public interface IS { [Query] bool TryGet(int key, out string? value); [Query] void Swap(ref int a, in long b); [Query] void Read(ref readonly int x); }", null },
        { "ref_parameter_on_sets", Ns + "[RtcrSession(\"S\")] public interface IS { [Sets(\"v\")] void Set(ref /*!*/int value); }", "RTCR004" },
        { "out_parameter_on_creates", Ns + "[RtcrSession(\"S\")] public interface IS { [Creates] Cap<IS> Make(out /*!*/int id); }", "RTCR004" },
        { "defaults_on_sets", Ns + "public enum Color { Red, Green = 5 }\n[RtcrSession(\"S\")] public interface IS { [Sets(\"v\")] void Set(int a = 3, long b = -1, string s = \"x\\\"y\", string? t = null, bool f = true, Color c = Color.Green, double d = 1.5, ulong u = ulong.MaxValue, byte bt = 7, short sh = -2, uint ui = 4000000000); }", null },
        { "defaults_on_query", Ns + "[RtcrSession(\"S\")] public interface IS { [Query] int Get(float f = 1.25f, decimal m = 2.5m, char c = 'x', object? o = null, DateTime t = default, double nan = double.NaN, double inf = double.PositiveInfinity, int? n = null, System.StringComparison cmp = System.StringComparison.Ordinal); }", null },
        { "params_array_on_query", Ns + "[RtcrSession(\"S\")] public interface IS { [Query] int Sum(params int[] values); }", null },
        { "span_on_query", Ns + "[RtcrSession(\"S\")] public interface IS { [Query] int Count(ReadOnlySpan<byte> data); [Query] void Fill(Span<byte> data); }", null },
        { "every_recordable_kind", Ns + "public enum E : byte { A, B }\n[RtcrSession(\"S\")] public interface IS { [Sets(\"v\")] void Set(bool a, byte b, short c, int d, long e, uint f, ulong g, double h, string i, string? j, E k, Cap<IS> l); }", null },
        { "unsupported_parameter_type", Ns + "[RtcrSession(\"S\")] public interface IS { [Sets(\"v\")] void Set(/*!*/DateTime when); }", "RTCR004" },
        { "nullable_value_type_parameter", Ns + "[RtcrSession(\"S\")] public interface IS { [Sets(\"v\")] void Set(/*!*/int? value); }", "RTCR004" },
        { "nullable_disable_strings", Usings + "#nullable disable\nnamespace Shapes;\n[RtcrSession(\"S\")] public interface IS { [Sets(\"v\")] void Set(string value); [Sets(\"k\", KeyArg = \"key\")] void Put(string key, string value); [Query] string Get(string key); [Creates] Cap<IO> Make(string name); }\n[RtcrRpcObject] public interface IO { [Sets(\"v\")] void Set(string value); }", null },
        { "nullable_disable_object_query", Usings + "#nullable disable\nnamespace Shapes;\n[RtcrSession(\"S\")] public interface IS { [Query] object Get(object o, string[] names); }", null },
        // Return types.
        { "tuple_and_generic_returns_on_query", Ns + "[RtcrSession(\"S\")] public interface IS { [Query] (int A, string? B) Get(); [Query] System.Collections.Generic.IReadOnlyList<string> Names(); }", null },
        { "task_returning_query", Ns + "[RtcrSession(\"S\")] public interface IS { [Query] Task<int> GetAsync(); [Query] ValueTask PingAsync(); }", null },
        { "task_returning_sets", Ns + "[RtcrSession(\"S\")] public interface IS { [Sets(\"v\")] /*!*/Task SetAsync(int value); }", "RTCR019" },
        { "valuetask_returning_creates", Ns + "[RtcrSession(\"S\")] public interface IS { [Creates] /*!*/ValueTask<Cap<IS>> MakeAsync(); }", "RTCR019" },
        { "ref_return_on_query", Ns + "[RtcrSession(\"S\")] public interface IS { [Query] ref int /*!*/Slot(); }", "RTCR013" },
        { "sets_returning_value", Ns + "[RtcrSession(\"S\")] public interface IS { [Sets(\"v\")] int Set(int value); [Sets(\"k\", KeyArg = \"k\")] string Put(int k, string v); }", null },
        // Inheritance.
        { "inherited_methods", Ns + "public interface IBase { [Sets(\"b\")] void Base(int x); [Query] int Q(); }\n[RtcrSession(\"S\")] public interface IS : IBase { [Sets(\"d\")] void Derived(int x); }", null },
        { "diamond_with_same_signature", Ns + "public interface IA { [Query] int Q(); } public interface IB { [Query] int Q(); }\n[RtcrSession(\"S\")] public interface IS : IA, IB { [Sets(\"d\")] void Set(int x); }", null },
        { "new_hides_base_method", Ns + "public interface IBase { [Query] int Q(); }\n[RtcrSession(\"S\")] public interface IS : IBase { [Query] new int Q(); }", null },
        { "default_interface_method", Ns + "[RtcrSession(\"S\")] public interface IS { [Sets(\"v\")] void Set(int x); void Reset() => Set(0); }", null },
        { "static_abstract_member", Ns + "[RtcrSession(\"S\")] public interface IS { [Query] int Q(); static abstract int /*!*/Make(); }", "RTCR013" },
        { "static_non_abstract_member", Ns + "[RtcrSession(\"S\")] public interface IS { [Query] int Q(); static int Twice(int x) => 2 * x; }", null },
        // Members that cannot be recorded.
        { "property", Ns + "[RtcrSession(\"S\")] public interface IS { int /*!*/Count { get; } }", "RTCR013" },
        { "event", Ns + "[RtcrSession(\"S\")] public interface IS { event Action /*!*/Changed; }", "RTCR013" },
        { "indexer", Ns + "[RtcrSession(\"S\")] public interface IS { int /*!*/this[int i] { get; } }", "RTCR013" },
        { "generic_method", Ns + "[RtcrSession(\"S\")] public interface IS { [Query] T /*!*/Get<T>(); }", "RTCR013" },
        { "pointer_parameter", Ns + "[RtcrSession(\"S\")] public unsafe interface IS { [Query] int /*!*/Read(byte* data); }", "RTCR013" },
        // Types that are not interfaces.
        { "record", Ns + "[RtcrSession(\"S\")] public record /*!*/Rec(int X);", "RTCR005" },
        { "record_struct", Ns + "[RtcrRpcObject] public record struct /*!*/Rec(int X);", "RTCR005" },
        { "class", Ns + "[RtcrSession(\"S\")] public class /*!*/Cls { }", "RTCR005" },
        { "generic_interface", Ns + "[RtcrRpcObject] public interface /*!*/IG<T> { [Query] T Get(); }", "RTCR005" },
        { "private_nested", Ns + "public class Outer { [RtcrSession(\"S\")] private interface /*!*/IHidden { [Query] int Q(); } }", "RTCR006" },
        // Attributes and keys.
        { "missing_attribute", Ns + "[RtcrSession(\"S\")] public interface IS { void /*!*/Forgot(); }", "RTCR001" },
        { "two_attributes", Ns + "[RtcrSession(\"S\")] public interface IS { [Query, Sets(\"k\")] void /*!*/Both(); }", "RTCR002" },
        { "creates_returning_int", Ns + "[RtcrSession(\"S\")] public interface IS { [Creates] /*!*/int Make(); }", "RTCR003" },
        { "unknown_key_arg", Ns + "[RtcrSession(\"S\")] public interface IS { [/*!*/Sets(\"k\", KeyArg = \"nope\")] void Set(int value); }", "RTCR008" },
        { "unsets_without_keyarg_on_keyed_sets", Ns + "[RtcrSession(\"S\")] public interface IS { [Sets(\"k\", KeyArg = \"id\")] void Set(int id, int v); [Unsets(\"k\")] void /*!*/Clear(); }", "RTCR016" },
        { "unsets_with_keyarg_on_constant_sets", Ns + "[RtcrSession(\"S\")] public interface IS { [Sets(\"k\")] void Set(int v); [Unsets(\"k\", KeyArg = \"id\")] void /*!*/Clear(int id); }", "RTCR016" },
        { "constant_and_keyarg_on_one_key", Ns + "[RtcrSession(\"S\")] public interface IS { [Sets(\"k\")] void SetAll(int v); [Sets(\"k\", KeyArg = \"id\")] void /*!*/Set(int id, int v); }", "RTCR017" },
        { "unsets_with_keyarg_on_keyed_sets", Ns + "[RtcrSession(\"S\")] public interface IS { [Sets(\"k\", KeyArg = \"id\")] void Set(long id, int v); [Unsets(\"k\", KeyArg = \"id\")] void Clear(long id); }", null },
        { "unsets_unknown_key", Ns + "[RtcrSession(\"S\")] public interface IS { [Sets(\"a\")] void Set(int v); [Unsets(\"b\")] void /*!*/Unset(); }", "RTCR015" },
        { "key_from_result", Ns + "[RtcrSession(\"S\")] public interface IS { [Sets(\"at\", KeyFromResult = true)] long Attach(int size, [ReplayWithResult] long at); [Unsets(\"at\", KeyArg = \"at\")] void Detach(long at); }", null },
        { "key_from_void", Ns + "[RtcrSession(\"S\")] public interface IS { [Sets(\"k\", KeyFromResult = true)] /*!*/void Set(int value); }", "RTCR014" },
        { "upgrade_wrong_signature", Ns + "[RtcrSession(\"S\")] public interface IS { [Upgrade] void /*!*/Upgrade(int ram); }", "RTCR009" },
        { "destroys_without_capability", Ns + "[RtcrSession(\"S\")] public interface IS { [Destroys] void /*!*/Drop(int id); }", "RTCR012" },
        { "upgrade_on_rpc_object", Ns + "[RtcrRpcObject] public interface IO { [Upgrade] void Upgrade(long ram, long caps); [Sets(\"v\")] void Set(int v); }", null },
        { "creates_destroys_pair", Ns + "[RtcrSession(\"S\")] public interface IS { [Creates] Cap<IO> Make(string name, Cap<IO> parent); [Destroys] bool Drop(Cap<IO> o); }\n[RtcrRpcObject] public interface IO { [Sets(\"v\")] void Set(int v); [Creates] Cap<IO> Child(); }", null },
        { "query_only_rpc_object", Ns + "[RtcrSession(\"S\")] public interface IS { [Creates] Cap<IO> Make(); }\n[RtcrRpcObject] public interface IO { [Query] int Q(); }", null },
        { "empty_session", Ns + "[RtcrSession(\"S\")] public interface IS { }", null },
        { "hook", Ns + "public sealed class Hook : IStateHook<IS> { public void Capture(IS target, StateWriter writer) { } public void Restore(IS target, ref StateReader reader, IReplayContext context) { } }\n[RtcrSession(\"S\")][CapturedBy(typeof(Hook))] public interface IS { [Captures] void Touch(); }", null },
        { "session_marked_both_ways", Ns + "[RtcrSession(\"S\")][RtcrRpcObject] public interface IS { [Sets(\"v\")] void Set(int v); }", null },
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Shape_compiles_cleanly_or_yields_exactly_its_diagnostic(string name, string source, string? expected)
    {
        var compilation = GeneratorHarness.Compile(source).WithOptions(
            GeneratorHarness.Compile().Options.WithAllowUnsafe(true));
        var (result, output) = GeneratorHarness.Run(compilation);

        // Compiler diagnostics of the generated files only: the corpus sources may carry their own warnings (missing docs).
        var generatedProblems = output.GetDiagnostics(TestContext.Current.CancellationToken)
            .Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Location.SourceTree is { } tree && !tree.FilePath.StartsWith("Source", StringComparison.Ordinal))
            .ToList();
        var sourceErrors = output.GetDiagnostics(TestContext.Current.CancellationToken)
            .Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree?.FilePath.StartsWith("Source", StringComparison.Ordinal) == true)
            .ToList();
        Assert.True(generatedProblems.Count == 0, $"{name}: generated code has problems:\n" + string.Join("\n", generatedProblems) +
            "\n\n" + string.Join("\n\n", result.Results.Single().GeneratedSources.Select(s => "// " + s.HintName + "\n" + s.SourceText)));
        // Shapes the compiler itself refuses (an interface-only attribute on a class) may err in their own source.
        if (expected is null) Assert.True(sourceErrors.Count == 0, $"{name}: errors in the corpus source:\n" + string.Join("\n", sourceErrors));
        Assert.True(result.Results.Single().Exception is null, $"{name}: the generator crashed: {result.Results.Single().Exception}");

        var rtcr = result.Diagnostics.Where(d => d.Id.StartsWith("RTCR", StringComparison.Ordinal)).ToList();
        if (expected is null)
        {
            Assert.True(rtcr.Count == 0, $"{name}: unexpected diagnostics:\n" + string.Join("\n", rtcr));
            Assert.NotEmpty(result.Results.Single().GeneratedSources);
            return;
        }

        var diagnostic = Assert.Single(rtcr);
        Assert.Equal(expected, diagnostic.Id);
        int marker = source.IndexOf("/*!*/", StringComparison.Ordinal);
        Assert.True(marker >= 0, $"{name}: the corpus entry marks no location");
        Assert.Equal(marker + "/*!*/".Length, diagnostic.Location.SourceSpan.Start);
    }

    [Fact]
    public void Corpus_has_at_least_sixty_shapes() => Assert.True(Corpus.Count >= 60, $"the corpus has {Corpus.Count} shapes");
}
