using System.Reflection;
using Rtcr.Generators.Tests.Infrastructure;
using Rtcr.Recording;
using Rtcr.Services;

namespace Rtcr.Generators.Tests;

/// <summary>
/// The recorder emitter's naming decisions, each on a shape that needs it, compiled (warnings as errors) and
/// recorded: parameters named like the base type's helpers and fields, generated fields that would take a
/// base field's name, constant keys whose slots collide, overloads sharing a key and parameter names, and an
/// interface in the global namespace. Mutation testing found each decision unchecked outside the shape
/// corpus, which only compiles them; here every recorded value must also land where it belongs.
/// </summary>
public sealed class EmitterRuleTests
{
    private static (ISessionRecorder Recorder, ProtectionDomain Client, Assembly Assembly) Wrap(Kernel kernel, string source, string service, string implementation, string? allowedWarning = null)
    {
        var assembly = GeneratorHarness.CompileAndLoadAllowing(allowedWarning, source);
        var registry = new RecorderRegistry();
        assembly.GetType("Rtcr.Generated.RtcrRecorders", throwOnError: true)!.GetMethod("RegisterAll")!.Invoke(null, [registry]);
        var client = kernel.CreateProtectionDomain("client");
        var type = assembly.GetType(implementation, throwOnError: true)!;
        var inner = Activator.CreateInstance(type, type.GetConstructors().Single().GetParameters().Length == 0 ? [] : [client])!;
        Assert.True(registry.TryWrap(service, inner, new RecordingContext(client), new SessionArgs("c", 0, 0), out var recorder));
        return ((ISessionRecorder)recorder, client, assembly);
    }

    private static object? Call(object target, string interfaceName, string method, params object?[] args)
    {
        var declared = target.GetType().GetInterfaces().Single(i => i.Name == interfaceName).GetMethods().Where(m => m.Name == method)
            .Single(m => m.GetParameters().Select(p => p.ParameterType).SequenceEqual(args.Select(a => a!.GetType())));
        return declared.Invoke(target, args);
    }

    private static List<string> Settings(ISessionRecorder recorder) => recorder.Capture().ToRecord().Settings.Select(s => s.ToString()).ToList();

    private const string Helpers = """
        using Rtcr;
        using Rtcr.Capabilities;
        namespace Rules;
        [RtcrSession("Helpers")]
        public interface IHelpers
        {
            [Sets("k", KeyArg = "id")] void A(int id, int RecordSetting);
            [Unsets("k", KeyArg = "id")] void B(int id, int ForgetSetting);
            [Creates] Cap<IThing> C(int IsRecorded);
            [Creates] Cap<IThing> D(int RecordCreation);
            [Creates] Cap<IThing> E(int Interpose);
            [Destroys] void F(Cap<IThing> thing, int ForgetCreation);
            [Upgrade] void Upgrade(long RecordUpgrade, long caps);
            [Query] int TakeRecorded();
            [Query] int CaptureHook();
            [Query] int Interpose();
        }
        [RtcrRpcObject] public interface IThing { [Sets("v")] void Set(int v); }
        public sealed class Thing : IThing { public void Set(int v) { } }
        public sealed class HelpersObject(ProtectionDomain client) : IHelpers
        {
            public void A(int id, int RecordSetting) { }
            public void B(int id, int ForgetSetting) { }
            public Cap<IThing> C(int IsRecorded) => client.Install<IThing>(new Thing());
            public Cap<IThing> D(int RecordCreation) => client.Install<IThing>(new Thing());
            public Cap<IThing> E(int Interpose) => client.Install<IThing>(new Thing());
            public void F(Cap<IThing> thing, int ForgetCreation) => client.Free(thing);
            public void Upgrade(long RecordUpgrade, long caps) { }
            public int TakeRecorded() => 1;
            public int CaptureHook() => 2;
            public int Interpose() => 3;
        }
        """;

    [Fact]
    public void Parameters_and_methods_named_like_the_base_helpers_reach_the_helpers_through_this()
    {
        using var kernel = new Kernel();
        var (recorder, _, _) = Wrap(kernel, Helpers, "Helpers", "Rules.HelpersObject");

        Call(recorder, "IHelpers", "A", 1, 10);
        Call(recorder, "IHelpers", "A", 2, 20);
        Call(recorder, "IHelpers", "B", 1, 0);
        Call(recorder, "IHelpers", "C", 3);
        var d = Call(recorder, "IHelpers", "D", 4)!;
        Call(recorder, "IHelpers", "E", 5);
        Call(recorder, "IHelpers", "F", d, 0);
        Call(recorder, "IHelpers", "Upgrade", 100L, 2L);

        var record = recorder.Capture().ToRecord();
        Assert.Equal(["[k:2] A(2, 20)"], record.Settings.Select(s => s.ToString()));
        Assert.Equal(["[creates] C(3)", "[creates] E(5)"], record.Objects.Select(o => o.Creation.ToString()));
        Assert.Equal((100L, 2L), (record.UpgradedRam, record.UpgradedCaps));
        // Methods named like helpers are implemented explicitly and still forwarded.
        Assert.Equal([1, 2, 3], new[] { "TakeRecorded", "CaptureHook", "Interpose" }.Select(m => (int)Call(recorder, "IHelpers", m)!));
    }

    private const string Fields = """
        using Rtcr;
        namespace Rules;
        [RtcrSession("Fields")]
        public interface IFields
        {
            [Sets("a")] void Next(int order);
            [Sets("b")] void In(int ner);
            [Sets("c")] void Con(int text);
            [Sets("d")] void Ga(int te);
        }
        public sealed class FieldsObject : IFields
        {
            public void Next(int order) { }
            public void In(int ner) { }
            public void Con(int text) { }
            public void Ga(int te) { }
        }
        """;

    [Fact]
    public void Argument_fields_never_take_a_base_field_name()
    {
        // Next(order) would be stored in _nextOrder, In(ner) in _inner, Con(text) in _context, Ga(te) in _gate: the base's fields.
        using var kernel = new Kernel();
        var (recorder, _, _) = Wrap(kernel, Fields, "Fields", "Rules.FieldsObject");

        Call(recorder, "IFields", "Ga", 4);
        Call(recorder, "IFields", "Next", 1);
        Call(recorder, "IFields", "In", 2);
        Call(recorder, "IFields", "Con", 3);
        Call(recorder, "IFields", "Next", 5);

        Assert.Equal(["[d] Ga(4)", "[a] Next(5)", "[b] In(2)", "[c] Con(3)"], Settings(recorder));
    }

    private const string Slots = """
        using Rtcr;
        namespace Rules;
        [RtcrSession("Slots")]
        public interface ISlots
        {
            [Sets("a-b")] void First(int x);
            [Sets("a-b")] void FirstAgain(long y);
            [Sets("a_b")] void Second(int x);
            [Sets("a_b")] void SecondAgain(long y);
            [Sets("foo")] void Foo(int keyOrder);
            [Sets("foo")] void Foo2(int keyMethod, int x);
            [Sets("v")] void Set(int value);
            [Sets("v")] void Set(string value);
            [Sets("v")] void Set(long value, bool hard);
        }
        public sealed class SlotsObject : ISlots
        {
            public void First(int x) { }
            public void FirstAgain(long y) { }
            public void Second(int x) { }
            public void SecondAgain(long y) { }
            public void Foo(int keyOrder) { }
            public void Foo2(int keyMethod, int x) { }
            public void Set(int value) { }
            public void Set(string value) { }
            public void Set(long value, bool hard) { }
        }
        """;

    [Fact]
    public void Constant_keys_and_arguments_with_colliding_names_get_their_own_fields()
    {
        using var kernel = new Kernel();
        var (recorder, _, _) = Wrap(kernel, Slots, "Slots", "Rules.SlotsObject");

        Call(recorder, "ISlots", "First", 1);
        Call(recorder, "ISlots", "Second", 2);
        Call(recorder, "ISlots", "Foo", 3);
        Call(recorder, "ISlots", "Set", 4);
        Assert.Equal(["[a-b] First(1)", "[a_b] Second(2)", "[foo] Foo(3)", "[v] Set(4)"], Settings(recorder));

        // The second method of each key replaces the first, in place; the key's order stays that of its first set.
        Call(recorder, "ISlots", "SecondAgain", 20L);
        Call(recorder, "ISlots", "FirstAgain", 10L);
        Call(recorder, "ISlots", "Foo2", 30, 31);
        Call(recorder, "ISlots", "Set", "four");
        Assert.Equal(["[a-b] FirstAgain(10)", "[a_b] SecondAgain(20)", "[foo] Foo2(30, 31)", "[v] Set(\"four\")"], Settings(recorder));

        Call(recorder, "ISlots", "Set", 40L, true);
        Call(recorder, "ISlots", "Foo", 33);
        Call(recorder, "ISlots", "Second", 22);
        Assert.Equal(["[a-b] FirstAgain(10)", "[a_b] Second(22)", "[foo] Foo(33)", "[v] Set(40, true)"], Settings(recorder));
    }

    private const string Global = """
        using Rtcr;
        using Rtcr.Capabilities;
        [RtcrSession("Global")]
        public interface IGlobalRules
        {
            [Sets("v")] void Set(int value);
            [Creates] Cap<IGlobalThing> Make();
        }
        [RtcrRpcObject] public interface IGlobalThing { [Sets("w")] void Set(string value); }
        public sealed class GlobalThing : IGlobalThing { public void Set(string value) { } }
        public sealed class GlobalRules(Rtcr.ProtectionDomain client) : IGlobalRules
        {
            public void Set(int value) { }
            public Cap<IGlobalThing> Make() => client.Install<IGlobalThing>(new GlobalThing());
        }
        """;

    [Fact]
    public void Interfaces_of_the_global_namespace_are_recorded()
    {
        using var kernel = new Kernel();
        var (recorder, client, assembly) = Wrap(kernel, Global, "Global", "GlobalRules");

        Call(recorder, "IGlobalRules", "Set", 7);
        var thing = Call(recorder, "IGlobalRules", "Make")!;
        var inner = typeof(ProtectionDomain).GetMethod(nameof(ProtectionDomain.Invoke))!
            .MakeGenericMethod(assembly.GetType("IGlobalThing", throwOnError: true)!).Invoke(client, [thing])!;
        Call(inner, "IGlobalThing", "Set", "w");

        var record = recorder.Capture().ToRecord();
        Assert.Equal(["[v] Set(7)"], record.Settings.Select(s => s.ToString()));
        Assert.Equal("[w] Set(\"w\")", Assert.Single(Assert.Single(record.Objects).Settings).ToString());
        Assert.NotNull(assembly.GetType("GlobalRulesRecorder"));
    }

    private const string Returns = """
        using Rtcr;
        using Rtcr.Capabilities;
        namespace Rules;
        [RtcrSession("Returns")]
        public interface IReturns
        {
            [Creates] Cap<IThing> Make();
            [Destroys] bool Drop(Cap<IThing> thing);
            [Sets("v")] int Set(int v);
            [Unsets("v")] int Clear();
            [Sets("k", KeyArg = "id")] string Put(int id);
            [Unsets("k", KeyArg = "id")] long Remove(int id);
            [Unsets("never")] bool Forget();
            [Query] int ReturnsState();
        }
        [RtcrSession("Untracked")]
        public interface IUntracked
        {
            [Destroys] int Drop(Cap<IThing> thing);
            [Destroys] void DropQuietly(Cap<IThing> thing);
        }
        [RtcrRpcObject] public interface IThing { [Sets("v")] void Set(int v); }
        public sealed class Thing : IThing { public void Set(int v) { } }
        public sealed class ReturnsObject(ProtectionDomain client) : IReturns
        {
            public Cap<IThing> Make() => client.Install<IThing>(new Thing());
            public bool Drop(Cap<IThing> thing) { client.Free(thing); return true; }
            public int Set(int v) => v * 2;
            public int Clear() => -1;
            public string Put(int id) => "put " + id;
            public long Remove(int id) => id * 10L;
            public bool Forget() => true;
            public int ReturnsState() => 6;
        }
        public sealed class UntrackedObject : IUntracked
        {
            public int Drop(Cap<IThing> thing) => 42;
            public void DropQuietly(Cap<IThing> thing) { }
        }
        """;

    [Fact]
    public void Recorded_methods_return_what_the_object_returned_and_record_after_it()
    {
        // RTCR015 (a warning): [Unsets("never")] names a key no [Sets] records; the recorder only forwards it.
        using var kernel = new Kernel();
        var (recorder, _, _) = Wrap(kernel, Returns, "Returns", "Rules.ReturnsObject", allowedWarning: "RTCR015");

        var made = Call(recorder, "IReturns", "Make")!;
        Call(recorder, "IReturns", "Make");
        Assert.Equal(true, Call(recorder, "IReturns", "Drop", made));
        Assert.Equal(14, Call(recorder, "IReturns", "Set", 7));
        Assert.Equal("put 3", Call(recorder, "IReturns", "Put", 3));
        Assert.Equal("put 4", Call(recorder, "IReturns", "Put", 4));
        Assert.Equal(6, Call(recorder, "IReturns", "ReturnsState"));
        var record = recorder.Capture().ToRecord();
        Assert.Equal(["[v] Set(7)", "[k:3] Put(3)", "[k:4] Put(4)"], record.Settings.Select(s => s.ToString()));
        Assert.Single(record.Objects);

        Assert.Equal(30L, Call(recorder, "IReturns", "Remove", 3));
        Assert.Equal(-1, Call(recorder, "IReturns", "Clear"));
        Assert.Equal(true, Call(recorder, "IReturns", "Forget"));
        Assert.Equal(["[k:4] Put(4)"], Settings(recorder));
    }

    [Fact]
    public void Destroys_of_a_session_that_creates_nothing_only_forwards()
    {
        using var kernel = new Kernel();
        var (recorder, client, assembly) = Wrap(kernel, Returns, "Untracked", "Rules.UntrackedObject", allowedWarning: "RTCR015");
        var thing = typeof(ProtectionDomain).GetMethod(nameof(ProtectionDomain.Install))!
            .MakeGenericMethod(assembly.GetType("Rules.IThing", throwOnError: true)!).Invoke(client, [Activator.CreateInstance(assembly.GetType("Rules.Thing", throwOnError: true)!)])!;

        Assert.Equal(42, Call(recorder, "IUntracked", "Drop", thing));
        Call(recorder, "IUntracked", "DropQuietly", thing);

        var record = recorder.Capture().ToRecord();
        Assert.Empty(record.Settings);
        Assert.Empty(record.Objects);
    }

    [Fact]
    public void Registration_lists_sessions_in_ordinal_order_whatever_the_declaration_order()
    {
        const string a = "using Rtcr;\nnamespace Rules;\n[RtcrSession(\"A\")] public interface IAlpha { [Sets(\"v\")] void Set(int v); }";
        const string b = "using Rtcr;\nnamespace Rules;\n[RtcrSession(\"B\")] public interface IBeta { [Sets(\"v\")] void Set(int v); }";
        string Registration(params string[] sources) =>
            GeneratorHarness.Run(GeneratorHarness.Compile(sources)).Result.Results.Single().GeneratedSources
                .Single(s => s.HintName == "Rtcr.Generated.RtcrRecorders.g.cs").SourceText.ToString();

        string betaFirst = Registration(b, a);

        Assert.True(betaFirst.IndexOf("AlphaRecorder", StringComparison.Ordinal) < betaFirst.IndexOf("BetaRecorder", StringComparison.Ordinal), betaFirst);
        Assert.Equal(Registration(a, b), betaFirst);
    }
}
