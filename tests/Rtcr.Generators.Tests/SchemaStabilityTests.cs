using System.Reflection;
using Rtcr.Generators.Tests.Infrastructure;
using Rtcr.Recording;
using Rtcr.Services;

namespace Rtcr.Generators.Tests;

/// <summary>
/// Which interface changes keep older images restorable (docs/schema-compatibility.md): a state recorded by one
/// shape of an interface is written, then read by a build of the changed interface. Allowed changes read it back
/// (a missing optional argument as its default); refused ones fail with a <see cref="StateFormatException"/> that
/// names the change. Both state formats are covered: format 2 (this build's writer) and format 1 (the golden
/// image's, written before calls carried their argument count).
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
            [Upgrade] void Upgrade(long ramQuota, long capQuota);
        }
        [RtcrRpcObject] public interface IItem { [Sets("v")] void Set(long v); }
        """;

    // Compiled once per distinct generated output (GeneratorHarness caches by text).
    private static Assembly Build(string source) => GeneratorHarness.CompileAndLoad(source);

    /// <summary>A state of the original interface: a mode, an item with its own setting, an upgrade.</summary>
    private static RecordedSessionState OriginalState()
    {
        var assembly = Build(Original);
        var stateType = assembly.GetType("Evolving.EvolvingState", throwOnError: true)!;
        var itemType = assembly.GetType("Evolving.ItemState", throwOnError: true)!;
        var state = (RecordedSessionState)Activator.CreateInstance(stateType, new SessionArgs("evolving", 4096, 3))!;
        state.UpgradedRam = 512;
        state.Settings.Add(new StateSetting("mode", (StateCall)Activator.CreateInstance(stateType.GetNestedType("ModeCall")!, 3)!));
        var item = (RecordedState)Activator.CreateInstance(itemType)!;
        item.Settings.Add(new StateSetting("v", (StateCall)Activator.CreateInstance(itemType.GetNestedType("SetCall")!, 7L)!));
        state.Objects.Add((StateCreation)Activator.CreateInstance(stateType.GetNestedType("MakeCall")!, "apple", 42L, 1L, item)!);
        return state;
    }

    private static string OriginalRecord => OriginalState().ToRecord().Describe();

    [Fact]
    public void Original_state_holds_a_setting_an_object_with_its_own_setting_and_an_upgrade()
    {
        string record = OriginalRecord;
        Assert.Contains("upgraded ram=512", record);
        Assert.Contains("set [mode] Mode(3)", record);
        Assert.Contains("object IItem badge=42 created by [creates] Make(\"apple\")", record);
        Assert.Contains("set [v] Set(7)", record);
    }

    private static byte[] FormatTwo()
    {
        var writer = new StateWriter();
        OriginalState().Write(writer);
        return writer.ToArray();
    }

    /// <summary>The same state as format 1 wrote it: the shape hash instead of the format mark, bare arguments.</summary>
    private static byte[] FormatOne()
    {
        var assembly = Build(Original);
        var shape = (RecordedInterface)assembly.GetType("Evolving.EvolvingState")!.GetProperty("Shape")!.GetValue(null)!;
        var itemShape = (RecordedInterface)assembly.GetType("Evolving.ItemState")!.GetProperty("Shape")!.GetValue(null)!;
        int Id(RecordedInterface s, string method) => s.Methods.Single(m => m.Name == method).WireId;
        var w = new StateWriter();
        w.WriteString("Evolving");
        w.WriteInt32(shape.LegacySchema);
        w.WriteString("evolving");
        w.WriteInt64(4096);
        w.WriteInt64(3);
        w.WriteInt32(0);
        w.WriteInt64(512);
        w.WriteInt64(0);
        w.WriteInt32(1);
        w.WriteString("mode");
        w.WriteInt32(Id(shape, "Mode"));
        w.WriteInt32(3);
        w.WriteInt32(1);
        w.WriteInt32(Id(shape, "Make"));
        w.WriteString("apple");
        w.WriteInt64(42);
        w.WriteInt64(1);
        w.WriteBoolean(true);
        w.WriteInt32(itemShape.LegacySchema);
        w.WriteInt32(1);
        w.WriteString("v");
        w.WriteInt32(Id(itemShape, "Set"));
        w.WriteInt64(7);
        return w.ToArray();
    }

    private static string ReadWith(string source, byte[] state)
    {
        var registry = new RecorderRegistry();
        Build(source).GetType("Rtcr.Generated.RtcrRecorders", throwOnError: true)!.GetMethod("RegisterAll")!.Invoke(null, [registry]);
        var reader = new StateReader(state);
        var read = registry.GetReplayer("Evolving").Read(ref reader);
        Assert.Equal(0, reader.Remaining);
        return read.ToRecord().Describe();
    }

    public static TheoryData<string, string, string, string> Compatible => new()
    {
        { "a query added", Original.Replace("[Query] int Count();", "[Query] int Count();\n    [Query] string Name();"), "", "" },
        { "a query removed", Original.Replace("[Query] int Count();", ""), "", "" },
        { "a recorded method added", Original.Replace("[Query] int Count();", "[Query] int Count();\n    [Sets(\"limit\")] void Limit(long bytes);"), "", "" },
        { "a [Creates] method added", Original.Replace("[Query] int Count();", "[Query] int Count();\n    [Creates] Cap<IItem> Clone(Cap<IItem> of);"), "", "" },
        { "a recorded method added to an RPC object", Original.Replace("[Sets(\"v\")] void Set(long v); }", "[Sets(\"v\")] void Set(long v); [Sets(\"w\")] void W(int w); }"), "", "" },
        { "an optional argument added", Original.Replace("void Mode(int mode)", "void Mode(int mode, bool force = true)"), "Mode(3)", "Mode(3, true)" },
        { "two optional arguments added", Original.Replace("Make(string name)", "Make(string name, string? tag = null, long size = 16)"), "Make(\"apple\")", "Make(\"apple\", null, 16)" },
        { "a method renamed, its old name kept by [WireName]", Original.Replace("[Sets(\"mode\")] void Mode(int mode);", "[Sets(\"mode\"), WireName(\"Mode\")] void SetMode(int mode);"), "Mode(3)", "SetMode(3)" },
        { "methods reordered", Original.Replace("[Creates] Cap<IItem> Make(string name);\n    [Sets(\"mode\")] void Mode(int mode);", "[Sets(\"mode\")] void Mode(int mode);\n    [Creates] Cap<IItem> Make(string name);"), "", "" },
    };

    [Theory]
    [MemberData(nameof(Compatible))]
    public void Change_keeps_a_format_2_state_readable(string change, string changed, string recorded, string reads)
    {
        string expected = recorded.Length == 0 ? OriginalRecord : OriginalRecord.Replace(recorded, reads, StringComparison.Ordinal);
        Assert.False(Original == changed, change);
        Assert.Equal(expected, ReadWith(changed, FormatTwo()));
    }

    [Theory]
    [MemberData(nameof(Compatible))]
    public void Change_keeps_a_format_1_state_readable(string change, string changed, string recorded, string reads)
    {
        string expected = recorded.Length == 0 ? OriginalRecord : OriginalRecord.Replace(recorded, reads, StringComparison.Ordinal);
        _ = change;
        Assert.Equal(expected, ReadWith(changed, FormatOne()));
    }

    [Fact]
    public void Format_1_state_of_the_unchanged_interface_reads_as_its_format_2_twin()
    {
        Assert.Equal(OriginalRecord, ReadWith(Original, FormatOne()));
        Assert.Equal(OriginalRecord, ReadWith(Original, FormatTwo()));
    }

    [Fact]
    public void Removing_a_recorded_method_the_state_holds_no_call_of_is_allowed()
    {
        var changed = Original.Replace("[Sets(\"mode\")] void Mode(int mode);", "");
        var state = OriginalState();
        state.Settings.Clear();
        var writer = new StateWriter();
        state.Write(writer);

        Assert.Equal(OriginalRecord.Replace("  set [mode] Mode(3)\n", "", StringComparison.Ordinal), ReadWith(changed, writer.ToArray()));
    }

    public static TheoryData<string, string, string> Refused => new()
    {
        { "a parameter type changed", Original.Replace("void Mode(int mode)", "void Mode(long mode)"), "argument 1 of a recorded call of IEvolving.Mode was recorded as Int32, this build's method takes Int64" },
        { "a string argument became a capability", Original.Replace("Make(string name)", "Make(Cap<IItem> name)"), "argument 1 of a recorded call of IEvolving.Make was recorded as String, this build's method takes Capability" },
        { "a recorded method with recorded calls removed", Original.Replace("[Sets(\"mode\")] void Mode(int mode);", ""), "a method IEvolving no longer has" },
        { "a recorded method renamed without [WireName]", Original.Replace("void Mode(int mode)", "void SetMode(int mode)"), "renamed without [WireName(\"<old name>\")]" },
        { "an argument without a default added", Original.Replace("void Mode(int mode)", "void Mode(int mode, bool force)"), "lacks argument 2, which has no default value" },
        { "an argument removed", Original.Replace("Make(string name)", "Make()"), "has 1 arguments, this build's method only 0" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Change_refuses_a_format_2_state_with_a_clear_error(string change, string changed, string message)
    {
        var ex = Assert.Throws<StateFormatException>(() => ReadWith(changed, FormatTwo()));
        Assert.True(ex.Message.Contains(message, StringComparison.Ordinal), $"{change}: {ex.Message}");
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public void Change_refuses_a_format_1_state(string change, string changed, string message)
    {
        _ = message; // format 1 cannot say which argument changed: the shape its hash names is not one the change allows
        var ex = Assert.Throws<StateFormatException>(() => ReadWith(changed, FormatOne()));
        Assert.True(ex.Message.Contains("this build cannot read", StringComparison.Ordinal), $"{change}: {ex.Message}");
    }
}
