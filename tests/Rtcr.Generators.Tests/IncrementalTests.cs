using System.Collections;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Rtcr.Generators.Tests.Infrastructure;

namespace Rtcr.Generators.Tests;

/// <summary>The pipeline is incremental: edits that cannot change the output do not re-run the emitters.</summary>
public sealed class IncrementalTests
{
    private const string Unrelated = "namespace Other; public static class Helper { public static int Twice(int x) => x * 2; }";

    private static (GeneratorDriverRunResult First, GeneratorDriverRunResult Second) RunTwice(Func<CSharpCompilation, CSharpCompilation> edit)
    {
        var compilation = GeneratorHarness.Compile(GeneratorHarness.Input("KeyValueService.cs"), Unrelated);
        var driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation);
        var first = driver.GetRunResult();
        var second = driver.RunGenerators(edit(compilation)).GetRunResult();
        return (first, second);
    }

    private static CSharpCompilation Replace(CSharpCompilation compilation, int index, Func<string, string> change)
    {
        var tree = compilation.SyntaxTrees.ElementAt(index);
        return compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(change(tree.GetText().ToString()))));
    }

    private static IEnumerable<IncrementalStepRunReason> Reasons(GeneratorDriverRunResult result, string step) =>
        result.Results.Single().TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason);

    private static IEnumerable<IncrementalStepRunReason> OutputReasons(GeneratorDriverRunResult result) =>
        result.Results.Single().TrackedOutputSteps.SelectMany(kv => kv.Value).SelectMany(s => s.Outputs).Select(o => o.Reason);

    [Fact]
    public void Editing_an_unrelated_file_leaves_every_step_cached()
    {
        var (_, second) = RunTwice(c => Replace(c, 1, t => t.Replace("x * 2", "x + x")));

        Assert.All(Reasons(second, TrackingNames.Specs), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
        Assert.All(Reasons(second, TrackingNames.Registrations), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
        Assert.All(OutputReasons(second), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
    }

    [Fact]
    public void Editing_a_method_body_leaves_the_emit_steps_unchanged()
    {
        // The body of KvSession.BucketCount changes; the annotated interfaces in the same file do not.
        var (_, second) = RunTwice(c => Replace(c, 0, t => t.Replace("public int BucketCount() => _buckets.Count;", "public int BucketCount() => _buckets.Count + 0;")));

        Assert.All(Reasons(second, TrackingNames.Specs), r => Assert.Contains(r, new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged }));
        Assert.All(OutputReasons(second), r => Assert.Contains(r, new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged }));
    }

    [Fact]
    public void Editing_a_recorded_method_re_runs_only_its_interface()
    {
        var (_, second) = RunTwice(c => Replace(c, 0, t => t.Replace("[Sets(\"mode\")] void SetMode(Mode mode);", "[Sets(\"mode2\")] void SetMode(Mode mode);")));

        var reasons = Reasons(second, TrackingNames.Specs).ToList();
        Assert.Equal(1, reasons.Count(r => r == IncrementalStepRunReason.Modified));
        // Registration needs only names, which did not change.
        Assert.All(Reasons(second, TrackingNames.Registrations), r => Assert.Contains(r, new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged }));
    }

    private const string Extra = "using Rtcr; namespace Extra; [RtcrSession(\"Extra\")] public interface IExtra { [Sets(\"v\")] void Set(int value); }";

    /// <summary>
    /// Interfaces whose files were emitted again in the second run: each spec feeds its own source output,
    /// which re-runs exactly when its spec is New or Modified.
    /// </summary>
    private static List<string> ReEmitted(GeneratorDriverRunResult second) =>
        second.Results.Single().TrackedSteps[TrackingNames.Specs].SelectMany(s => s.Outputs)
            .Where(o => o.Reason is IncrementalStepRunReason.New or IncrementalStepRunReason.Modified)
            .Select(o => ((Model.InterfaceSpec)o.Value).Name).ToList();

    private static IEnumerable<IncrementalStepRunReason> SpecOutputReasons(GeneratorDriverRunResult result) =>
        result.Results.Single().TrackedSteps[TrackingNames.Specs].SelectMany(s => s.Outputs).Select(o => o.Reason);

    [Fact]
    public void Adding_an_interface_emits_only_its_files()
    {
        var (_, second) = RunTwice(c => c.AddSyntaxTrees(CSharpSyntaxTree.ParseText(Extra, GeneratorHarness.ParseOptions, path: "Extra.cs")));

        Assert.Equal(["IExtra"], ReEmitted(second));
        // The four interfaces of the test service were not emitted again.
        Assert.Equal(4, SpecOutputReasons(second).Count(r => r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));
        Assert.Contains(second.Results.Single().GeneratedSources, s => s.HintName == "Extra.IExtra.Recorder.g.cs");
    }

    [Fact]
    public void Removing_an_interface_emits_nothing_else_again()
    {
        var compilation = GeneratorHarness.Compile(GeneratorHarness.Input("KeyValueService.cs"), Unrelated, Extra);
        var driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation, TestContext.Current.CancellationToken);
        var second = driver.RunGenerators(compilation.RemoveSyntaxTrees(compilation.SyntaxTrees.Last()), TestContext.Current.CancellationToken).GetRunResult();

        Assert.Empty(ReEmitted(second));
        Assert.Contains(SpecOutputReasons(second), r => r == IncrementalStepRunReason.Removed);
        Assert.DoesNotContain(second.Results.Single().GeneratedSources, s => s.HintName.StartsWith("Extra.", StringComparison.Ordinal));
    }

    [Fact]
    public void Editing_one_interface_re_emits_only_that_interface()
    {
        var (_, second) = RunTwice(c => Replace(c, 0, t => t.Replace("[Query] ulong Position();", "[Query] ulong Position();\n    [Query] uint Stride();")
            .Replace("public ulong Position() => _position;", "public ulong Position() => _position;\n    public uint Stride() => 1;")));

        Assert.Equal(["ICursor"], ReEmitted(second));
    }

    [Fact]
    public void Models_hold_no_symbols_syntax_or_compilations()
    {
        var (first, _) = RunTwice(c => c);
        // Only our named steps: Roslyn's own internal steps legitimately hold syntax.
        string[] ours = [TrackingNames.SessionParse, TrackingNames.RpcObjectParse, TrackingNames.Diagnostics, TrackingNames.Specs, TrackingNames.Registrations, TrackingNames.Services];
        var tracked = first.Results.Single().TrackedSteps;
        Assert.All(ours.Where(n => n != TrackingNames.Diagnostics), n => Assert.True(tracked.ContainsKey(n), $"step {n} is not tracked"));
        foreach (var step in ours.Where(tracked.ContainsKey).SelectMany(n => tracked[n]))
            foreach (var (value, _) in step.Outputs)
                AssertPlainData(value, step.Name ?? "?", new HashSet<object>(ReferenceEqualityComparer.Instance));
    }

    private static void AssertPlainData(object? value, string path, HashSet<object> seen)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum) return;
        Assert.False(value is ISymbol, $"{path} holds an ISymbol");
        Assert.False(value is SyntaxNode, $"{path} holds a SyntaxNode");
        Assert.False(value is Compilation, $"{path} holds a Compilation");
        Assert.False(value is SemanticModel, $"{path} holds a SemanticModel");
        Assert.False(value is Location { SourceTree: not null }, $"{path} holds a source Location (it keeps the syntax tree alive)");
        if (value is DiagnosticDescriptor || !seen.Add(value)) return;
        if (value.GetType().GetProperty("IsDefault")?.GetValue(value) is true) return;
        if (value is IEnumerable items)
        {
            int i = 0;
            foreach (var item in items) AssertPlainData(item, $"{path}[{i++}]", seen);
            return;
        }
        foreach (var field in value.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            AssertPlainData(field.GetValue(value), $"{path}.{field.Name}", seen);
    }
}
