using Rtcr.Checkpoint;
using Rtcr.Generators.Tests.Infrastructure;
using Rtcr.Recording;

namespace Rtcr.Generators.Tests;

/// <summary>
/// Which interface changes keep older images restorable (docs/schema-compatibility.md): the schema — both
/// the generated state's <c>Schema</c> and the registry's <see cref="SchemaId"/> — stays the same when only
/// queries change or methods move, and changes when the recorded shape changes.
/// </summary>
public sealed class SchemaStabilityTests
{
    private const string Header = "using Rtcr; using Rtcr.Capabilities;\nnamespace Evolving;\n";

    private const string Original = Header + """
        [RtcrSession("Evolving")] public interface IEvolving
        {
            [Creates] Cap<IItem> Make(string name);
            [Sets("mode")] void Mode(int mode);
            [Query] int Count();
        }
        [RtcrRpcObject] public interface IItem { [Sets("v")] void Set(long v); }
        """;

    private static (int State, ulong Registry) Schemas(string source)
    {
        var assembly = GeneratorHarness.CompileAndLoad(source);
        int state = (int)assembly.GetType("Evolving.EvolvingState", throwOnError: true)!.GetField("Schema")!.GetValue(null)!;
        var registry = new RecorderRegistry();
        assembly.GetType("Rtcr.Generated.RtcrRecorders", throwOnError: true)!.GetMethod("RegisterAll")!.Invoke(null, [registry]);
        return (state, SchemaId.Of(registry));
    }

    public static TheoryData<string, string> Compatible => new()
    {
        { "a query added", Original.Replace("[Query] int Count();", "[Query] int Count();\n    [Query] string Name();") },
        { "a query removed", Original.Replace("[Query] int Count();", "") },
        { "methods reordered", Original.Replace("[Creates] Cap<IItem> Make(string name);\n    [Sets(\"mode\")] void Mode(int mode);", "[Sets(\"mode\")] void Mode(int mode);\n    [Creates] Cap<IItem> Make(string name);") },
        { "a query added to an RPC object", Original.Replace("[Sets(\"v\")] void Set(long v); }", "[Sets(\"v\")] void Set(long v); [Query] long Get(); }") },
    };

    public static TheoryData<string, string> Incompatible => new()
    {
        { "a recorded method added", Original.Replace("[Query] int Count();", "[Query] int Count();\n    [Sets(\"limit\")] void Limit(long bytes);") },
        { "a parameter type changed", Original.Replace("void Mode(int mode)", "void Mode(long mode)") },
        { "a key changed", Original.Replace("[Sets(\"mode\")]", "[Sets(\"state\")]") },
        { "an argument added", Original.Replace("void Mode(int mode)", "void Mode(int mode, bool force)") },
    };

    [Theory]
    [MemberData(nameof(Compatible))]
    public void Change_keeps_the_schema(string change, string changed)
    {
        var before = Schemas(Original);
        var after = Schemas(changed);
        Assert.True(before == after, $"{change}: schema changed from {before} to {after}");
    }

    [Theory]
    [MemberData(nameof(Incompatible))]
    public void Change_gives_a_new_schema(string change, string changed)
    {
        var before = Schemas(Original);
        var after = Schemas(changed);
        Assert.True(before.State != after.State && before.Registry != after.Registry, $"{change}: schema stayed {before}");
    }
}
