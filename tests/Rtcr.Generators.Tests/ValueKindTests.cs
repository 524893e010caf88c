using System.Globalization;
using System.Reflection;
using Rtcr.Generators.Tests.Infrastructure;
using Rtcr.Recording;
using Rtcr.Services;

namespace Rtcr.Generators.Tests;

/// <summary>
/// Every recordable value kind as a key argument, a key result and a defaulted argument of generated code:
/// keys render like <see cref="RecordedCall.Render"/> whatever the thread's culture, an <c>[Unsets]</c> removes
/// exactly the key its <c>[Sets]</c> recorded, values survive write, read and replay, and an argument added
/// with a default reads as that default from a state recorded without it. The other generated shapes key
/// only by string, long and capability, so a wrong key rendering of another kind went unnoticed.
/// </summary>
public sealed class ValueKindTests
{
    private const string KindsSource = """
        using System.Collections.Generic;
        using Rtcr;
        using Rtcr.Capabilities;
        namespace Kinds;
        public enum Color : byte { Red, Green = 5 }
        [RtcrSession("Kinds")]
        public interface IKinds
        {
            [Sets("b", KeyArg = "k")] void B(bool k, int v);
            [Sets("y", KeyArg = "k")] void Y(byte k, int v);
            [Sets("s", KeyArg = "k")] void S(short k, int v);
            [Sets("i", KeyArg = "k")] void I(int k, int v);
            [Sets("l", KeyArg = "k")] void L(long k, int v);
            [Sets("u", KeyArg = "k")] void U(uint k, int v);
            [Sets("ul", KeyArg = "k")] void UL(ulong k, int v);
            [Sets("d", KeyArg = "k")] void D(double k, int v);
            [Sets("e", KeyArg = "k")] void E(Color k, int v);
            [Sets("t", KeyArg = "k")] void T(string? k, int v);
            [Sets("c", KeyArg = "k")] void C(Cap<IKinds> k, int v);
            [Sets("rd", KeyFromResult = true)] double Rd(int v);
            [Sets("rb", KeyFromResult = true)] bool Rb(int v);
            [Sets("re", KeyFromResult = true)] Color Re(int v);
            [Sets("ru", KeyFromResult = true)] ulong Ru(int v);
            [Unsets("b", KeyArg = "k")] void UnB(bool k);
            [Unsets("y", KeyArg = "k")] void UnY(byte k);
            [Unsets("d", KeyArg = "k")] void UnD(double k);
            [Unsets("e", KeyArg = "k")] void UnE(Color k);
            [Unsets("t", KeyArg = "k")] void UnT(string? k);
            [Unsets("c", KeyArg = "k")] void UnC(Cap<IKinds> k);
            [Unsets("ul", KeyArg = "k")] void UnUL(ulong k);
        }
        public sealed class KindsObject : IKinds
        {
            public List<string> Calls { get; } = new();
            private void Log(string call) => Calls.Add(call);
            public void B(bool k, int v) => Log($"B({k},{v})");
            public void Y(byte k, int v) => Log($"Y({k},{v})");
            public void S(short k, int v) => Log($"S({k},{v})");
            public void I(int k, int v) => Log($"I({k},{v})");
            public void L(long k, int v) => Log($"L({k},{v})");
            public void U(uint k, int v) => Log($"U({k},{v})");
            public void UL(ulong k, int v) => Log($"UL({k},{v})");
            public void D(double k, int v) => Log($"D({k.ToString(System.Globalization.CultureInfo.InvariantCulture)},{v})");
            public void E(Color k, int v) => Log($"E({k},{v})");
            public void T(string? k, int v) => Log($"T({k ?? "null"},{v})");
            public void C(Cap<IKinds> k, int v) => Log($"C({v})");
            public double Rd(int v) { Log($"Rd({v})"); return v + 0.5; }
            public bool Rb(int v) { Log($"Rb({v})"); return v > 0; }
            public Color Re(int v) { Log($"Re({v})"); return (Color)v; }
            public ulong Ru(int v) { Log($"Ru({v})"); return ulong.MaxValue - (ulong)v; }
            public void UnB(bool k) { }
            public void UnY(byte k) { }
            public void UnD(double k) { }
            public void UnE(Color k) { }
            public void UnT(string? k) { }
            public void UnC(Cap<IKinds> k) { }
            public void UnUL(ulong k) { }
        }
        """;

    private static Assembly Kinds => GeneratorHarness.CompileAndLoad(KindsSource);

    private static RecorderRegistry Registry(Assembly assembly)
    {
        var registry = new RecorderRegistry();
        assembly.GetType("Rtcr.Generated.RtcrRecorders", throwOnError: true)!.GetMethod("RegisterAll")!.Invoke(null, [registry]);
        return registry;
    }

    private static object NewKinds(Assembly kinds) => Activator.CreateInstance(kinds.GetType("Kinds.KindsObject", throwOnError: true)!)!;

    private static void Call(object target, string method, params object?[] args) =>
        target.GetType().GetInterface("IKinds")!.GetMethod(method)!.Invoke(target, args);

    private sealed record Recorded(Assembly Kinds, ISessionRecorder Recorder, RecorderRegistry Registry, ProtectionDomain Client, long CapBadge, long OtherBadge);

    /// <summary>One call per key kind (two per removable key), made under a culture that writes 1,5 for 1.5.</summary>
    private static Recorded Record(Kernel kernel, bool unset)
    {
        var kinds = Kinds;
        var registry = Registry(kinds);
        object Color(int value) => Enum.ToObject(kinds.GetType("Kinds.Color", throwOnError: true)!, value);
        var client = kernel.CreateProtectionDomain("client");
        Assert.True(registry.TryWrap("Kinds", NewKinds(kinds), new RecordingContext(client), new SessionArgs("kinds", 0, 0), out var recorder));
        var iface = kinds.GetType("Kinds.IKinds", throwOnError: true)!;
        var install = typeof(ProtectionDomain).GetMethod(nameof(ProtectionDomain.Install))!.MakeGenericMethod(iface);
        object cap = install.Invoke(client, [NewKinds(kinds)])!;
        object otherCap = install.Invoke(client, [NewKinds(kinds)])!;
        var badgeOf = typeof(ProtectionDomain).GetMethod(nameof(ProtectionDomain.BadgeOf))!.MakeGenericMethod(iface);
        long badge = (long)badgeOf.Invoke(client, [cap])!, otherBadge = (long)badgeOf.Invoke(client, [otherCap])!;

        var culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
        try
        {
            Call(recorder, "B", true, 1);
            Call(recorder, "B", false, 2);
            Call(recorder, "Y", (byte)7, 3);
            Call(recorder, "Y", (byte)8, 3);
            Call(recorder, "S", (short)-2, 4);
            Call(recorder, "I", -3, 5);
            Call(recorder, "L", -4L, 6);
            Call(recorder, "U", 4000000000u, 7);
            Call(recorder, "UL", ulong.MaxValue, 8);
            Call(recorder, "UL", 1UL, 8);
            Call(recorder, "D", 1.5, 9);
            Call(recorder, "D", -0.25, 9);
            Call(recorder, "E", Color(5), 10);
            Call(recorder, "E", Color(0), 10);
            Call(recorder, "T", "x", 11);
            Call(recorder, "T", null, 12);
            Call(recorder, "C", cap, 13);
            Call(recorder, "C", otherCap, 14);
            Call(recorder, "Rd", 2);
            Call(recorder, "Rb", 1);
            Call(recorder, "Re", 5);
            Call(recorder, "Ru", 0);
            if (unset)
            {
                Call(recorder, "UnB", true);
                Call(recorder, "UnY", (byte)8);
                Call(recorder, "UnD", 1.5);
                Call(recorder, "UnE", Color(5));
                Call(recorder, "UnT", (string?)null);
                Call(recorder, "UnC", cap);
                Call(recorder, "UnUL", ulong.MaxValue);
            }
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
        return new Recorded(kinds, (ISessionRecorder)recorder, registry, client, badge, otherBadge);
    }

    [Fact]
    public void Keys_of_every_kind_render_like_recorded_arguments_under_any_culture()
    {
        using var kernel = new Kernel();
        var recorded = Record(kernel, unset: false);

        var keys = recorded.Recorder.Capture().ToRecord().Settings.Select(s => s.Key).ToList();

        long other = recorded.OtherBadge;
        Assert.Equal(
        [
            "b:true", "b:false", "y:7", "y:8", "s:-2", "i:-3", "l:-4", "u:4000000000", "ul:18446744073709551615", "ul:1",
            "d:1.5", "d:-0.25", "e:Green", "e:Red", "t:\"x\"", "t:null", $"c:cap:{recorded.CapBadge}", $"c:cap:{other}",
            "rd:2.5", "rb:true", "re:Green", "ru:18446744073709551615",
        ], keys);
    }

    [Fact]
    public void Unsets_removes_exactly_the_key_its_argument_names()
    {
        using var kernel = new Kernel();
        var recorded = Record(kernel, unset: true);

        var keys = recorded.Recorder.Capture().ToRecord().Settings.Select(s => s.Key).ToList();

        long other = recorded.OtherBadge;
        Assert.Equal(
        [
            "b:false", "y:7", "s:-2", "i:-3", "l:-4", "u:4000000000", "ul:1",
            "d:-0.25", "e:Red", "t:\"x\"", $"c:cap:{other}",
            "rd:2.5", "rb:true", "re:Green", "ru:18446744073709551615",
        ], keys);
    }

    [Fact]
    public void Values_of_every_kind_survive_write_read_and_replay()
    {
        using var kernel = new Kernel();
        var recorded = Record(kernel, unset: true);
        var state = recorded.Recorder.Capture();
        var writer = new StateWriter();
        state.Write(writer);

        var replayer = recorded.Registry.GetReplayer("Kinds");
        var reader = new StateReader(writer.WrittenSpan);
        var read = replayer.Read(ref reader);
        Assert.Equal(0, reader.Remaining);
        Assert.Equal(state.ToRecord().Describe(), read.ToRecord().Describe());

        // The capability key's object lives outside the session: map its badge to itself for the replay.
        var context = new TestReplayContext(recorded.Client);
        context.MapBadge(recorded.OtherBadge, recorded.OtherBadge);
        var fresh = NewKinds(recorded.Kinds);
        replayer.ReplayCreations(read, fresh, context);
        replayer.ReplaySettings(read, fresh, context);

        Assert.Equal(
        [
            "B(False,2)", "Y(7,3)", "S(-2,4)", "I(-3,5)", "L(-4,6)", "U(4000000000,7)", "UL(1,8)",
            "D(-0.25,9)", "E(Red,10)", "T(x,11)", "C(14)", "Rd(2)", "Rb(1)", "Re(5)", "Ru(0)",
        ], (List<string>)fresh.GetType().GetProperty("Calls")!.GetValue(fresh)!);
    }

    private const string Before = """
        using Rtcr;
        namespace Evolving;
        [RtcrSession("Ev")] public interface IEv { [Sets("v")] void Set(int a); }
        """;

    private const string After = """
        using Rtcr;
        using Rtcr.Capabilities;
        namespace Evolving;
        public enum Color : byte { Red, Green = 5 }
        [RtcrSession("Ev")] public interface IEv
        {
            [Sets("v")] void Set(int a, bool b = true, byte c = 7, short d = -2, uint e = 4000000000, ulong f = ulong.MaxValue,
                double g = 1.5, string s = "x", string? t = null, Color k = Color.Green, long l = -1, int i = 9, Cap<IEv> cap = default);
        }
        """;

    [Fact]
    public void Arguments_added_with_defaults_of_every_kind_read_as_their_defaults()
    {
        var state = (RecordedSessionState)Activator.CreateInstance(
            GeneratorHarness.CompileAndLoad(Before).GetType("Evolving.EvState", throwOnError: true)!, new SessionArgs("ev", 0, 0))!;
        state.Settings.Add(new StateSetting("v", (StateCall)Activator.CreateInstance(state.GetType().GetNestedType("SetCall")!, 3)!));
        var writer = new StateWriter();
        state.Write(writer);

        var reader = new StateReader(writer.WrittenSpan);
        var read = Registry(GeneratorHarness.CompileAndLoad(After)).GetReplayer("Ev").Read(ref reader);

        Assert.Equal(0, reader.Remaining);
        Assert.Equal("[v] Set(3, true, 7, -2, 4000000000, 18446744073709551615, 1.5, \"x\", null, Green, -1, 9, cap:0)",
            Assert.Single(read.ToRecord().Settings).ToString());
    }
}
