using DcGanTyped.Shapes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using static TorchSharp.torch;

namespace DcGanTyped.Models.Tests;

/// <summary>The generated TorchSharp modules of the seed and narrow networks.</summary>
public sealed class TorchModelTests
{
    private static readonly string[] GeneratorKeys =
    [
        "l0.weight", "l0.bias", "bn0.weight", "bn0.bias", "bn0.running_mean", "bn0.running_var",
        "dc1.weight", "dc1.bias", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var",
        "dc2.weight", "dc2.bias", "bn2.weight", "bn2.bias", "bn2.running_mean", "bn2.running_var",
        "dc3.weight", "dc3.bias", "bn3.weight", "bn3.bias", "bn3.running_mean", "bn3.running_var",
        "dc4.weight", "dc4.bias",
    ];

    private static readonly string[] DiscriminatorKeys =
    [
        "c0_0.weight", "c0_0.bias",
        "c0_1.weight", "c0_1.bias", "bn0_1.bias", "bn0_1.running_mean", "bn0_1.running_var",
        "c1_0.weight", "c1_0.bias", "bn1_0.bias", "bn1_0.running_mean", "bn1_0.running_var",
        "c1_1.weight", "c1_1.bias", "bn1_1.bias", "bn1_1.running_mean", "bn1_1.running_var",
        "c2_0.weight", "c2_0.bias", "bn2_0.bias", "bn2_0.running_mean", "bn2_0.running_var",
        "c2_1.weight", "c2_1.bias", "bn2_1.bias", "bn2_1.running_mean", "bn2_1.running_var",
        "c3_0.weight", "c3_0.bias", "bn3_0.bias", "bn3_0.running_mean", "bn3_0.running_var",
        "l4.weight", "l4.bias",
    ];

    [Fact]
    public void Seed_generator_parameters_state_dict_and_output()
    {
        using var scope = NewDisposeScope();
        using var g = Generator.CreateTorch();
        Assert.Equal(3_599_363, g.parameters().Sum(p => p.numel()));
        AssertKeys(GeneratorKeys, g);
        AssertParametersPerLayerMatchInfo(g);
        AssertInitialised(g);

        g.eval();
        Assert.Equal([2L, 3, 32, 32], g.call(rand(2, 100)).shape);
    }

    [Fact]
    public void Seed_discriminator_parameters_state_dict_and_output()
    {
        using var scope = NewDisposeScope();
        using var d = Discriminator.CreateTorch();
        Assert.Equal(5_862_657, d.parameters().Sum(p => p.numel()));
        AssertKeys(DiscriminatorKeys, d);
        AssertParametersPerLayerMatchInfo(d);
        AssertInitialised(d);

        d.train();
        Assert.Equal([3L, 1], d.call(rand(3, 3, 32, 32)).shape);
    }

    [Fact]
    public void Narrow_networks_have_the_seed_keys()
    {
        using var g = NarrowGenerator.CreateTorch();
        using var d = NarrowDiscriminator.CreateTorch();
        AssertKeys(GeneratorKeys, g);
        AssertKeys(DiscriminatorKeys, d);
        Assert.Equal(NarrowGenerator.Info.Parameters, g.parameters().Sum(p => p.numel()));
        Assert.Equal(NarrowDiscriminator.Info.Parameters, d.parameters().Sum(p => p.numel()));
    }

    [Property(MaxTest = 6)]
    public Property Narrow_output_shapes_for_any_batch_size()
        => Prop.ForAll(Gen.Choose(1, 64).ToArbitrary(), n =>
        {
            using var scope = NewDisposeScope();
            using var g = NarrowGenerator.CreateTorch();
            using var d = NarrowDiscriminator.CreateTorch();
            g.train();
            d.train();
            var image = g.call(rand(n, 100));
            var logit = d.call(image);
            Assert.Equal([n, 3L, 32, 32], image.shape);
            Assert.Equal([n, 1L], logit.shape);

            // Sigmoid output lies in [0, 1].
            Assert.True(image.min().item<float>() >= 0f && image.max().item<float>() <= 1f);
        });

    [Fact]
    public void Discriminator_batchnorm_has_a_fixed_scale_and_a_learnable_shift()
    {
        using var d = NarrowDiscriminator.CreateTorch();
        foreach (var bn in new[] { d.bn0_1, d.bn1_0, d.bn1_1, d.bn2_0, d.bn2_1, d.bn3_0 })
        {
            Assert.Null(bn.weight);
            Assert.True(bn.bias.requires_grad);
        }

        Assert.Contains(d.named_parameters(), p => p.name == "bn0_1.bias");
        Assert.DoesNotContain(d.named_parameters(), p => p.name.EndsWith(".weight", StringComparison.Ordinal) && p.name.StartsWith("bn", StringComparison.Ordinal));

        // With running statistics (0, 1) and shift b, evaluation maps x to x / sqrt(1 + eps) + b: the scale is 1.
        using var scope = NewDisposeScope();
        d.eval();
        using (no_grad())
        {
            d.bn0_1.bias.fill_(0.5f);
        }

        var x = randn(2, 16, 4, 4);
        var expected = (x / Math.Sqrt(1 + 2e-5)) + 0.5;
        var actual = d.bn0_1.call(x);
        var maxDiff = (actual - expected).abs().max().item<float>();
        Assert.True(maxDiff < 1e-5f, $"max abs difference {maxDiff}");
    }

    [Fact]
    public void Noise_is_applied_in_training_and_not_in_evaluation()
    {
        using var scope = NewDisposeScope();
        using var d = NarrowDiscriminator.CreateTorch();
        var x = rand(4, 3, 32, 32);

        d.train();
        var first = d.call(x);
        var second = d.call(x);
        Assert.False(first.allclose(second), "training outputs should differ by the noise");

        d.NoiseEnabled = false;
        Assert.True(d.call(x).allclose(d.call(x)), "with noise switched off training is deterministic");
        d.NoiseEnabled = true;

        d.eval();
        Assert.True(d.call(x).allclose(d.call(x)), "evaluation has no noise");
    }

    [Fact]
    public void Wrong_input_shape_throws_naming_both_shapes()
    {
        using var scope = NewDisposeScope();
        using var g = NarrowGenerator.CreateTorch();
        var e = Assert.Throws<ShapeMismatchException>(() => g.call(rand(2, 99)));
        Assert.Equal("NarrowGenerator expects input (N, 100) but receives (2, 99)", e.Message);

        using var d = NarrowDiscriminator.CreateTorch();
        e = Assert.Throws<ShapeMismatchException>(() => d.call(rand(2, 3, 64, 64)));
        Assert.Equal(new Shape(3, 32, 32), e.Expected);
        Assert.Equal([2L, 3, 64, 64], e.Actual);
    }

    /// <summary>
    /// The state_dict holds exactly <paramref name="expected"/>; parameters come in declaration order
    /// (TorchSharp lists buffers after all parameters, so the whole list is compared as a set).
    /// </summary>
    private static void AssertKeys(string[] expected, DcGanTyped.Torch.TypedModule module)
    {
        Assert.Equal(expected.Order(StringComparer.Ordinal), module.state_dict().Keys.Order(StringComparer.Ordinal));
        Assert.Equal(expected.Where(k => !k.Contains(".running_", StringComparison.Ordinal)), module.named_parameters().Select(p => p.name));
    }

    private static void AssertParametersPerLayerMatchInfo(DcGanTyped.Torch.TypedModule module)
    {
        foreach (var layer in module.Info.Layers)
        {
            var actual = module.named_parameters()
                .Where(p => p.name.StartsWith(layer.Name + ".", StringComparison.Ordinal))
                .Sum(p => p.parameter.numel());
            Assert.True(layer.Parameters == actual, $"{layer.Name}: Info says {layer.Parameters}, TorchSharp has {actual}");
        }
    }

    /// <summary>Weights ~ N(0, 0.02) (std within 10%), biases zero, BatchNorm scales one.</summary>
    private static void AssertInitialised(DcGanTyped.Torch.TypedModule module)
    {
        foreach (var (name, p) in module.named_parameters())
        {
            var values = p.detach().cpu().data<float>().ToArray();
            if (name.StartsWith("bn", StringComparison.Ordinal))
            {
                var expected = name.EndsWith(".weight", StringComparison.Ordinal) ? 1f : 0f;
                Assert.True(values.All(v => v == expected), $"{name} should start at {expected}");
            }
            else if (name.EndsWith(".bias", StringComparison.Ordinal))
            {
                Assert.True(values.All(v => v == 0f), $"{name} should start at zero");
            }
            else
            {
                var mean = values.Average(v => (double)v);
                var std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
                Assert.True(Math.Abs(std - 0.02) < 0.002, $"{name}: std {std} over {values.Length} values is not within 10% of 0.02");
                Assert.True(Math.Abs(mean) < 0.002, $"{name}: mean {mean}");
            }
        }
    }
}
