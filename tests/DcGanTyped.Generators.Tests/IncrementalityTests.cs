using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace DcGanTyped.Generators.Tests;

/// <summary>The pipeline caches: an unrelated edit re-runs nothing after the parse step, and output is deterministic.</summary>
public sealed class IncrementalityTests
{
    [Fact]
    public void Unrelated_edit_leaves_parse_steps_unchanged_and_outputs_cached()
    {
        var sources = SnapshotTests.SeedSources().Append("namespace Other;\npublic static class Unrelated { public const int X = 1; }\n").ToArray();
        var compilation = GeneratorHarness.Compile(GeneratorHarness.Runtimes.Both, sources);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        // Whitespace and a comment in another file, plus a comment at the top of the Generator's own file
        // (it moves every declaration, which must not matter when there is nothing to report).
        var unrelated = compilation.SyntaxTrees.Last();
        var edited = compilation.ReplaceSyntaxTree(unrelated, unrelated.WithChangedText(unrelated.GetText().Replace(0, 0, "// edited\n\n")));
        var own = edited.SyntaxTrees.First();
        edited = edited.ReplaceSyntaxTree(own, own.WithChangedText(own.GetText().WithChanges(new TextChange(new TextSpan(0, 0), "// leading comment\n\n"))));

        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        foreach (var step in new[] { NetworkGenerator.NetworkStep, NetworkGenerator.GanStep, NetworkGenerator.RuntimesStep })
        {
            var outputs = result.TrackedSteps[step].SelectMany(s => s.Outputs).ToArray();
            Assert.NotEmpty(outputs);
            Assert.All(outputs, o => Assert.True(
                o.Reason is IncrementalStepRunReason.Unchanged or IncrementalStepRunReason.Cached, $"{step}: {o.Reason}"));
        }

        var emitted = result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).ToArray();
        Assert.NotEmpty(emitted);
        Assert.All(emitted, o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void Changing_a_constant_regenerates_the_network()
    {
        var compilation = GeneratorHarness.Compile(GeneratorHarness.Runtimes.None, SnapshotTests.SeedSources());
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var tree = compilation.SyntaxTrees.First();
        var text = tree.GetText().ToString();
        var changed = compilation.ReplaceSyntaxTree(
            tree, CSharpSyntaxTree.ParseText(text.Replace("public const int Ch = 64;", "public const int Ch = 32;"), GeneratorHarness.ParseOptions, tree.FilePath));

        var result = driver.RunGenerators(changed).GetRunResult().Results.Single();
        var reasons = result.TrackedSteps[NetworkGenerator.NetworkStep].SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray();
        Assert.Contains(IncrementalStepRunReason.Modified, reasons);
        var info = result.GeneratedSources.Single(s => s.HintName == "DcGanTyped.Models.NarrowGenerator.Info.g.cs").SourceText.ToString();
        Assert.Contains("new(\"l0\", global::DcGanTyped.Shapes.LayerKind.Linear, new(512),", info, StringComparison.Ordinal);
    }

    [Fact]
    public void Output_is_deterministic()
    {
        static string[] Generate()
        {
            var (result, _) = GeneratorHarness.Run(GeneratorHarness.Compile(GeneratorHarness.Runtimes.Both, SnapshotTests.SeedSources()));
            return result.Results.Single().GeneratedSources.OrderBy(s => s.HintName, StringComparer.Ordinal)
                .Select(s => s.HintName + "\n" + s.SourceText).ToArray();
        }

        var first = Generate();
        var second = Generate();
        Assert.Equal(first, second);
    }
}
