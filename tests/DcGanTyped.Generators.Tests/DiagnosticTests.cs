using Microsoft.CodeAnalysis;

namespace DcGanTyped.Generators.Tests;

/// <summary>One test per diagnostic ID: the ID, the line it points at and the exact message.</summary>
public sealed class DiagnosticTests
{
    private const string Header = "using DcGanTyped;\nnamespace Tests;\n";

    [Fact]
    public void DCGAN0001_type_not_partial()
    {
        var d = Single("""
            [Network(Input = [4])]
            [ReLU]
            public sealed record Plain; // <-
            """);
        Assert.Equal(("DCGAN0001", DiagnosticSeverity.Error), (d.Id, d.Severity));
        Assert.Equal("'Plain' must be declared partial (and so must every type containing it) so the generator can add its members", d.GetMessage());
    }

    [Fact]
    public void DCGAN0001_containing_type_not_partial()
    {
        var d = Single("""
            public class Outer // <-
            {
                [Network(Input = [4])]
                [ReLU]
                public sealed partial record Inner;
            }
            """);
        Assert.Equal("DCGAN0001", d.Id);
        Assert.Contains("'Outer' must be declared partial", d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void DCGAN0002_argument_not_constant()
    {
        var source = Header + """
            public static class Sizes { public static int Out = 3; }
            [Network(Input = [4])]
            [Linear("l0", 4, Sizes.Out)] // <-
            public sealed partial record Net;
            """;
        var (result, output) = GeneratorHarness.Run(source);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(("DCGAN0002", DiagnosticSeverity.Error), (d.Id, d.Severity));
        Assert.Equal(MarkedLine(source), d.Line());
        Assert.Equal("Linear on 'Net' has an argument that is not a compile-time constant; use literals or const fields", d.GetMessage());

        // The compiler reports its own error too; the generator adds only the placeholder members, no errors.
        Assert.Equal(["CS0182"], output.Errors().Select(c => c.Id));
        Assert.Equal(["Tests.Net.Placeholder.g.cs"], result.GeneratedTrees.Select(t => Path.GetFileName(t.FilePath)));
    }

    [Theory]
    [InlineData("[Network(Input = [Sizes.Out])] // <-\n[ReLU]", "Network on 'Net' has an argument that is not a compile-time constant; use literals or const fields")]
    [InlineData("[Network(Input = [6])]\n[Reshape(Sizes.Out, 2)] // <-", "Reshape on 'Net' has an argument that is not a compile-time constant; use literals or const fields")]
    [InlineData("[Network(Input = [3, 8, 8])]\n[Conv2d(\"c0\", 3, 4, Kernel = Sizes.Out)] // <-", "Conv2d on 'Net' has an argument that is not a compile-time constant; use literals or const fields")]
    public void DCGAN0002_other_non_constant_arguments(string attributes, string message)
    {
        var source = Header + "public static class Sizes { public static int Out = 3; }\n" + attributes + "\npublic sealed partial record Net;";
        var (result, _) = GeneratorHarness.Run(source);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(("DCGAN0002", MarkedLine(source), message), (d.Id, d.Line(), d.GetMessage()));
        Assert.Equal(["Tests.Net.Placeholder.g.cs"], result.GeneratedTrees.Select(t => Path.GetFileName(t.FilePath)));
    }

    [Fact]
    public void DCGAN0003_duplicate_layer_name()
    {
        var d = Single("""
            [Network(Input = [4])]
            [Linear("l0", 4, 4)]
            [Linear("l0", 4, 2)] // <-
            public sealed partial record Net;
            """);
        Assert.Equal(("DCGAN0003", DiagnosticSeverity.Error), (d.Id, d.Severity));
        Assert.Equal("Layer name 'l0' in 'Net' is used by another layer", d.GetMessage());
    }

    [Theory]
    [InlineData("1x", "is not a valid C# identifier")]
    [InlineData("class", "is a C# keyword")]
    [InlineData("forward", "is reserved for a member of the generated module")]
    public void DCGAN0003_invalid_layer_name(string name, string problem)
    {
        var d = Single($$"""
            [Network(Input = [4])]
            [Linear("{{name}}", 4, 4)] // <-
            public sealed partial record Net;
            """);
        Assert.Equal("DCGAN0003", d.Id);
        Assert.Equal($"Layer name '{name}' in 'Net' {problem}", d.GetMessage());
    }

    [Fact]
    public void DCGAN0003_declared_name_clashes_with_derived_name()
    {
        var d = Single("""
            [Network(Input = [4])]
            [ReLU, Linear("relu0", 4, 4)] // <-
            public sealed partial record Net;
            """);
        Assert.Equal("Layer name 'relu0' in 'Net' is used by another layer", d.GetMessage());
    }

    [Theory]
    [InlineData("[Conv2d(\"c0\", 3, 8)] // <-", "Conv2d 'c0' in 'Net' is invalid: channels, Kernel and Stride must be positive and Pad not negative, got in 3, out 8, Kernel 0, Stride 1, Pad 0")]
    [InlineData("[Conv2d(\"c0\", 3, 8, Kernel = 3, Stride = 0)] // <-", "Conv2d 'c0' in 'Net' is invalid: channels, Kernel and Stride must be positive and Pad not negative, got in 3, out 8, Kernel 3, Stride 0, Pad 0")]
    [InlineData("[ConvTranspose2d(\"d0\", 3, 8, Kernel = 3, Pad = -1)] // <-", "ConvTranspose2d 'd0' in 'Net' is invalid: channels, Kernel and Stride must be positive and Pad not negative, got in 3, out 8, Kernel 3, Stride 1, Pad -1")]
    [InlineData("[Reshape(3, 0, 4)] // <-", "Reshape 'reshape0' in 'Net' is invalid: the target shape (3, 0, 4) must have positive dimensions")]
    public void DCGAN0004_invalid_layer_argument(string layer, string message)
    {
        var d = Single($"[Network(Input = [3, 4, 4])]\n{layer}\npublic sealed partial record Net;");
        Assert.Equal(("DCGAN0004", DiagnosticSeverity.Error), (d.Id, d.Severity));
        Assert.Equal(message, d.GetMessage());
    }

    [Theory]
    [InlineData("[Network(Input = [])] // <-\n[ReLU]", "Network in 'Net' is invalid: Input () must have at least one dimension, all positive")]
    [InlineData("[Network(Input = [3, -1])] // <-\n[ReLU]", "Network in 'Net' is invalid: Input (3, -1) must have at least one dimension, all positive")]
    [InlineData("[Network(Input = [3])] // <-", "Network in 'Net' is invalid: it declares no layers")]
    public void DCGAN0004_invalid_network(string attributes, string message)
    {
        var d = Single($"{attributes}\npublic sealed partial record Net;");
        Assert.Equal("DCGAN0004", d.Id);
        Assert.Equal(message, d.GetMessage());
    }

    [Fact]
    public void DCGAN0101_linear_input_size_mismatch()
    {
        var d = Single("""
            [Network(Input = [512, 4, 8])]
            [Linear("l4", 8192, 1)] // <-
            public sealed partial record Net;
            """);
        Assert.Equal(("DCGAN0101", DiagnosticSeverity.Error), (d.Id, d.Severity));
        Assert.Equal("Linear 'l4' expects 8192 inputs but receives (512, 4, 8) = 16384", d.GetMessage());
    }

    [Fact]
    public void DCGAN0102_channel_mismatch()
    {
        var d = Single("""
            [Network(Input = [3, 8, 8])]
            [Conv2d("c0", 3, 16, Kernel = 3, Pad = 1), LeakyReLU]
            [Conv2d("c1", 32, 16, Kernel = 3, Pad = 1)] // <-
            public sealed partial record Net;
            """);
        Assert.Equal(("DCGAN0102", DiagnosticSeverity.Error), (d.Id, d.Severity));
        Assert.Equal("Conv2d 'c1' expects 32 input channels (input (32, 8, 8)) but receives (16, 8, 8)", d.GetMessage());
    }

    [Fact]
    public void DCGAN0102_transposed_channel_mismatch()
    {
        var d = Single("""
            [Network(Input = [8, 4, 4])]
            [ConvTranspose2d("dc1", 4, 2, Kernel = 4, Stride = 2, Pad = 1)] // <-
            public sealed partial record Net;
            """);
        Assert.Equal("ConvTranspose2d 'dc1' expects 4 input channels (input (4, 4, 4)) but receives (8, 4, 4)", d.GetMessage());
    }

    [Fact]
    public void DCGAN0103_convolution_output_not_positive()
    {
        var d = Single("""
            [Network(Input = [3, 2, 2])]
            [Conv2d("c0", 3, 8, Kernel = 5)] // <-
            public sealed partial record Net;
            """);
        Assert.Equal(("DCGAN0103", DiagnosticSeverity.Error), (d.Id, d.Severity));
        Assert.Equal("Conv2d 'c0' (kernel 5, stride 1, pad 0) maps input (3, 2, 2) to output (8, 0, 0), which is empty", d.GetMessage());
    }

    [Fact]
    public void DCGAN0104_transposed_convolution_output_not_positive()
    {
        var d = Single("""
            [Network(Input = [3, 1, 1])]
            [ConvTranspose2d("dc0", 3, 8, Kernel = 1, Pad = 1)] // <-
            public sealed partial record Net;
            """);
        Assert.Equal(("DCGAN0104", DiagnosticSeverity.Error), (d.Id, d.Severity));
        Assert.Equal("ConvTranspose2d 'dc0' (kernel 1, stride 1, pad 1) maps input (3, 1, 1) to output (8, -1, -1), which is empty", d.GetMessage());
    }

    [Fact]
    public void DCGAN0105_reshape_element_count_mismatch()
    {
        var d = Single("""
            [Network(Input = [100])]
            [Linear("l0", 100, 8192), ReLU, Reshape(512, 4, 8)] // <-
            public sealed partial record Net;
            """);
        Assert.Equal(("DCGAN0105", DiagnosticSeverity.Error), (d.Id, d.Severity));
        Assert.Equal("Reshape 'reshape2' to (512, 4, 8) = 16384 elements but receives (8192) = 8192", d.GetMessage());
    }

    [Fact]
    public void DCGAN0106_convolution_after_a_vector()
    {
        var d = Single("""
            [Network(Input = [100])]
            [Linear("l0", 100, 64)]
            [Conv2d("c1", 64, 8, Kernel = 1)] // <-
            public sealed partial record Net;
            """);
        Assert.Equal(("DCGAN0106", DiagnosticSeverity.Error), (d.Id, d.Severity));
        Assert.Equal("Conv2d 'c1' expects an input of shape (64, H, W) but receives (64)", d.GetMessage());
    }

    [Fact]
    public void DCGAN0106_batchnorm_on_a_matrix()
    {
        var d = Single("""
            [Network(Input = [4, 4])]
            [BatchNorm("bn0")] // <-
            public sealed partial record Net;
            """);
        Assert.Equal("BatchNorm 'bn0' expects an input of shape (F) or (C, H, W) but receives (4, 4)", d.GetMessage());
    }

    [Fact]
    public void DCGAN0107_gan_pair_mismatch()
    {
        var d = Single("""
            [Network(Input = [4])]
            [Linear("l0", 4, 12), Reshape(3, 2, 2)]
            public sealed partial record G;

            [Network(Input = [3, 4, 4])]
            [Flatten, Linear("l1", 48, 1)]
            public sealed partial record D;

            [Gan(typeof(G), typeof(D))] // <-
            public static partial class Pair;
            """);
        Assert.Equal(("DCGAN0107", DiagnosticSeverity.Error), (d.Id, d.Severity));
        Assert.Equal("GAN 'Pair': generator 'G' outputs (3, 2, 2) but discriminator 'D' expects (3, 4, 4)", d.GetMessage());
    }

    [Fact]
    public void DCGAN0201_stride_leaves_rows_unused()
    {
        var source = Header + """
            [Network(Input = [3, 8, 8])]
            [Conv2d("c0", 3, 4, Kernel = 3, Stride = 2)] // <-
            public sealed partial record Net;
            """;
        var (result, output) = GeneratorHarness.Run(source);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(("DCGAN0201", DiagnosticSeverity.Warning), (d.Id, d.Severity));
        Assert.Equal(MarkedLine(source), d.Line());
        Assert.Equal(
            "Conv2d 'c0' (kernel 3, stride 2, pad 0) maps input (3, 8, 8) to output (4, 3, 3) and leaves the last 1 input row(s) and column(s) unused",
            d.GetMessage());

        // A warning still generates the network.
        Assert.NotEmpty(result.GeneratedTrees);
        Assert.Empty(output.Errors());
    }

    [Theory]
    [InlineData("Both")]
    [InlineData("Simd")]
    [InlineData("None")]
    public void Code_using_a_network_with_a_shape_error_sees_only_the_shape_error(string referenced)
    {
        var runtimes = Enum.Parse<GeneratorHarness.Runtimes>(referenced);
        // Without the placeholders every use of Net would add a "does not contain a definition" error (CS0117,
        // CS0426) after the one that explains the problem.
        var uses = new List<string> { "var info = Net.Info;", "var pair = (Pair.GeneratorInfo, Pair.DiscriminatorInfo);" };
        if (runtimes.HasFlag(GeneratorHarness.Runtimes.Simd))
        {
            uses.Add("var simd = Net.CreateSimd(seed: 1);");
            uses.Add("var y = new Net.SimdModule().Forward(null!, training: false);");
        }

        if (runtimes.HasFlag(GeneratorHarness.Runtimes.Torch))
        {
            uses.Add("using var torch = Net.CreateTorch();");
            uses.Add("using var t = torch.forward(null!);");
            uses.Add("simd.CopyFrom(torch);");
        }

        var source = Header + $$"""
            [Network(Input = [100])]
            [Linear("l0", 100, 64)]
            [Linear("l1", 32, 10)] // <-
            public sealed partial record Net;

            [Network(Input = [10])]
            [Linear("d0", 10, 1)]
            public sealed partial record D;

            [Gan(typeof(Net), typeof(D))]
            public static partial class Pair;

            public static class Use
            {
                public static void All()
                {
                    {{string.Join("\n        ", uses)}}
                }
            }
            """;
        var (result, output) = GeneratorHarness.Run(source, runtimes);

        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(("DCGAN0101", MarkedLine(source)), (d.Id, d.Line()));
        Assert.Equal(["Tests.Net.Placeholder.g.cs"], result.GeneratedTrees.Select(t => Path.GetFileName(t.FilePath)).Where(f => f.StartsWith("Tests.Net.", StringComparison.Ordinal)));
        Assert.Contains("Tests.Pair.Gan.g.cs", result.GeneratedTrees.Select(t => Path.GetFileName(t.FilePath)));
        Assert.Empty(output.Errors());
    }

    [Fact]
    public void A_pairing_with_a_type_that_is_not_a_network_sees_only_that_error()
    {
        var source = Header + """
            [Network(Input = [10])]
            [Linear("d0", 10, 1)]
            public sealed partial record D;

            public sealed record NotANet;

            [Gan(typeof(NotANet), typeof(D))] // <-
            public static partial class Pair;

            public static class Use
            {
                public static object Both() => (Pair.GeneratorInfo, Pair.DiscriminatorInfo);
            }
            """;
        var (result, output) = GeneratorHarness.Run(source);

        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(("DCGAN0004", MarkedLine(source)), (d.Id, d.Line()));
        Assert.Contains("the generator 'NotANet' has no [Network] attribute", d.GetMessage(), StringComparison.Ordinal);
        Assert.Empty(output.Errors());
    }

    [Fact]
    public void Every_descriptor_is_listed_in_the_release_file()
    {
        var listed = File.ReadAllText(Path.Combine(GeneratorHarness.RepositoryRoot(), "generators/DcGanTyped.Generators/AnalyzerReleases.Unshipped.md"));
        var ids = typeof(NetworkGenerator).Assembly.GetType("DcGanTyped.Generators.Diagnostics")!
            .GetFields()
            .Select(f => ((DiagnosticDescriptor)f.GetValue(null)!).Id)
            .ToArray();
        Assert.Equal(12, ids.Length);
        Assert.All(ids, id => Assert.Contains(id + " ", listed, StringComparison.Ordinal));
    }

    /// <summary>Runs the generator and returns its single diagnostic, checking it points at the line marked <c>// &lt;-</c>.</summary>
    private static Diagnostic Single(string body)
    {
        var source = Header + body;
        var (result, output) = GeneratorHarness.Run(source);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(MarkedLine(source), d.Line());
        if (d.Severity == DiagnosticSeverity.Error)
        {
            // An erroneous network gets only placeholder members, which compile: the error is the only one the user sees.
            Assert.All(
                result.GeneratedTrees.Where(t => !t.FilePath.Contains(".Gan.", StringComparison.Ordinal) && t.FilePath.Contains("Net.", StringComparison.Ordinal)),
                t => Assert.EndsWith(".Placeholder.g.cs", t.FilePath, StringComparison.Ordinal));
            Assert.Empty(output.Errors());
        }

        return d;
    }

    private static int MarkedLine(string source)
        => Array.FindIndex(source.Split('\n'), l => l.Contains("// <-", StringComparison.Ordinal)) + 1;
}
