using Microsoft.CodeAnalysis;

namespace DcGanTyped.Generators.Tests;

/// <summary>
/// The code emitted for the seed networks, compared byte for byte with the files under Snapshots/.
/// Run with <c>UPDATE_SNAPSHOTS=1</c> to rewrite them after an intended change, then review the diff.
/// </summary>
public sealed class SnapshotTests
{
    private static readonly string SnapshotDirectory = Path.Combine(GeneratorHarness.RepositoryRoot(), "tests/DcGanTyped.Generators.Tests/Snapshots");

    /// <summary>The seed declarations exactly as the Models project compiles them.</summary>
    internal static string[] SeedSources()
    {
        var models = Path.Combine(GeneratorHarness.RepositoryRoot(), "src/DcGanTyped.Models");
        return new[] { "Generator.cs", "Discriminator.cs", "Gans.cs" }.Select(f => File.ReadAllText(Path.Combine(models, f))).ToArray();
    }

    [Theory]
    [InlineData("DcGanTyped.Models.Generator.Info.g.cs")]
    [InlineData("DcGanTyped.Models.Generator.Torch.g.cs")]
    [InlineData("DcGanTyped.Models.Discriminator.Info.g.cs")]
    [InlineData("DcGanTyped.Models.Discriminator.Torch.g.cs")]
    [InlineData("DcGanTyped.Models.Generator.Simd.g.cs")]
    [InlineData("DcGanTyped.Models.Discriminator.Simd.g.cs")]
    [InlineData("DcGanTyped.Models.SeedGan.Gan.g.cs")]
    public void Seed_output_matches_snapshot(string hintName)
    {
        var (result, _) = GeneratorHarness.Run(GeneratorHarness.Compile(GeneratorHarness.Runtimes.Both, SeedSources()));
        var generated = result.Results.Single().GeneratedSources.Single(s => s.HintName == hintName).SourceText.ToString();
        var path = Path.Combine(SnapshotDirectory, hintName + ".txt");
        if (Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1")
        {
            Directory.CreateDirectory(SnapshotDirectory);
            File.WriteAllText(path, generated);
        }

        Assert.True(File.Exists(path), $"missing snapshot {path}; run with UPDATE_SNAPSHOTS=1 to create it");
        var expected = File.ReadAllText(path);
        if (expected != generated)
        {
            var e = expected.Split('\n');
            var g = generated.Split('\n');
            var line = Enumerable.Range(0, Math.Max(e.Length, g.Length)).First(i => i >= e.Length || i >= g.Length || e[i] != g[i]);
            Assert.Fail($"{hintName} differs from its snapshot at line {line + 1}:\nexpected: {(line < e.Length ? e[line] : "<end>")}\nactual:   {(line < g.Length ? g[line] : "<end>")}\n(UPDATE_SNAPSHOTS=1 rewrites the snapshot)");
        }
    }

    [Fact]
    public void Seed_networks_compile_against_the_runtimes_without_diagnostics()
    {
        var (result, output) = GeneratorHarness.Run(GeneratorHarness.Compile(GeneratorHarness.Runtimes.Both, SeedSources()));
        Assert.Empty(result.Diagnostics);
        var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        Assert.True(problems.Length == 0, string.Join("\n", problems.Select(p => p.ToString())));
        Assert.Equal(
            ["Discriminator.Info", "Discriminator.Simd", "Discriminator.Torch", "Generator.Info", "Generator.Simd", "Generator.Torch",
             "NarrowDiscriminator.Info", "NarrowDiscriminator.Simd", "NarrowDiscriminator.Torch", "NarrowGan.Gan",
             "NarrowGenerator.Info", "NarrowGenerator.Simd", "NarrowGenerator.Torch", "SeedGan.Gan"],
            result.Results.Single().GeneratedSources.Select(s => s.HintName.Replace("DcGanTyped.Models.", string.Empty).Replace(".g.cs", string.Empty)).Order());
    }

    [Fact]
    public void Without_runtimes_only_metadata_is_emitted()
    {
        var (result, output) = GeneratorHarness.Run(GeneratorHarness.Compile(GeneratorHarness.Runtimes.None, SeedSources()));
        Assert.Empty(output.Errors());
        Assert.All(result.GeneratedTrees, t => Assert.DoesNotContain(".Torch.", t.FilePath, StringComparison.Ordinal));
        Assert.All(result.GeneratedTrees, t => Assert.DoesNotContain(".Simd.", t.FilePath, StringComparison.Ordinal));
    }

    [Fact]
    public void Simd_alone_compiles_without_the_torch_copies()
    {
        var (result, output) = GeneratorHarness.Run(GeneratorHarness.Compile(GeneratorHarness.Runtimes.Simd, SeedSources()));
        Assert.Empty(output.Errors());
        var simd = result.Results.Single().GeneratedSources.Single(s => s.HintName == "DcGanTyped.Models.Generator.Simd.g.cs").SourceText.ToString();
        Assert.DoesNotContain("CopyFrom", simd, StringComparison.Ordinal);
        Assert.DoesNotContain(".Torch.", string.Concat(result.GeneratedTrees.Select(t => t.FilePath)), StringComparison.Ordinal);
    }

    [Fact]
    public void Generated_code_has_the_header_and_a_shape_comment_on_every_forward_line()
    {
        var (result, _) = GeneratorHarness.Run(GeneratorHarness.Compile(GeneratorHarness.Runtimes.Both, SeedSources()));
        foreach (var source in result.Results.Single().GeneratedSources)
        {
            var text = source.SourceText.ToString();
            Assert.StartsWith("// <auto-generated/>\n#nullable enable\n", text, StringComparison.Ordinal);
            Assert.DoesNotContain("\r", text, StringComparison.Ordinal);
        }

        var torch = result.Results.Single().GeneratedSources.Single(s => s.HintName == "DcGanTyped.Models.Discriminator.Torch.g.cs").SourceText.ToString();
        var forward = torch[torch.IndexOf("forward(", StringComparison.Ordinal)..];
        var lines = forward.Split('\n').Where(l => l.TrimStart().StartsWith("h = ", StringComparison.Ordinal) || l.Contains("var h", StringComparison.Ordinal)).ToArray();
        Assert.Equal(29, lines.Length);
        Assert.All(lines, l => Assert.Matches(@"// \(N(, \d+)+\)$", l));
    }
}
