using DcGanTyped.Shapes;
using DcGanTyped.Simd;

namespace DcGanTyped.Models.Tests;

/// <summary>The generated SIMD-engine networks: structure, names shared with TorchSharp, shapes and state copies.</summary>
public sealed class SimdModelTests
{
    [Fact]
    public void Seed_parameter_counts_match_info()
    {
        Assert.Equal(3_599_363, Generator.CreateSimd().NamedParameters().Sum(p => (long)p.P.Value.Length));
        Assert.Equal(5_862_657, Discriminator.CreateSimd().NamedParameters().Sum(p => (long)p.P.Value.Length));
    }

    [Fact]
    public void Names_and_shapes_match_the_torch_modules()
    {
        using var torchG = NarrowGenerator.CreateTorch();
        using var torchD = NarrowDiscriminator.CreateTorch();
        foreach (var (simd, torch) in new (SimdNetwork, DcGanTyped.Torch.TypedModule)[] { (NarrowGenerator.CreateSimd(), torchG), (NarrowDiscriminator.CreateSimd(), torchD) })
        {
            Assert.Equal(torch.named_parameters().Select(p => p.name), simd.NamedParameters().Select(p => p.Name));
            var torchState = torch.state_dict();
            Assert.Equal(torchState.Keys.Order(StringComparer.Ordinal), simd.StateDict().Select(s => s.Name).Order(StringComparer.Ordinal));
            foreach (var (name, tensor) in simd.StateDict())
            {
                Assert.Equal(torchState[name].shape, tensor.Shape.Select(d => (long)d));
            }
        }
    }

    [Fact]
    public void Layers_are_the_declared_ones_in_order()
    {
        var g = NarrowGenerator.CreateSimd();
        Assert.Equal(NarrowGenerator.Info.Layers.Select(l => l.Name), g.Layers.Select(l => l.Name));
        Assert.Same(g.l0, g.Layers[0]);
        Assert.IsType<BatchNorm>(g.bn0);
        Assert.Null(NarrowDiscriminator.CreateSimd().bn0_1.Weight);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void Forward_and_backward_shapes(int n)
    {
        var g = NarrowGenerator.CreateSimd(seed: 1);
        var d = NarrowDiscriminator.CreateSimd(seed: 2);
        var z = Tensor.FromArray(Enumerable.Range(0, n * 100).Select(i => (float)Math.Sin(i)).ToArray(), n, 100);

        var image = g.Forward(z, training: true);
        Assert.Equal([n, 3, 32, 32], image.Shape);
        var logit = d.Forward(image, training: true);
        Assert.Equal([n, 1], logit.Shape);

        var gradImage = d.Backward(Tensor.FromArray(Enumerable.Repeat(1f, n).ToArray(), n, 1));
        Assert.Equal([n, 3, 32, 32], gradImage.Shape);
        var gradZ = g.Backward(gradImage);
        Assert.Equal([n, 100], gradZ.Shape);
        // Only the last bias is sure to get a gradient: at n = 1 every BatchNorm outputs its (zero) shift whatever
        // its input, so all activations before dc4 are zero and so are the earlier weight gradients.
        Assert.Contains(g.dc4.Bias!.Grad.Span.ToArray(), v => v != 0f);
    }

    [Fact]
    public void Weights_start_normal_and_biases_zero()
    {
        foreach (var (name, p) in Generator.CreateSimd(seed: 3).NamedParameters())
        {
            var values = p.Value.Span.ToArray();
            if (name.StartsWith("bn", StringComparison.Ordinal))
            {
                Assert.True(values.All(v => v == (name.EndsWith(".weight", StringComparison.Ordinal) ? 1f : 0f)), name);
            }
            else if (name.EndsWith(".bias", StringComparison.Ordinal))
            {
                Assert.True(values.All(v => v == 0f), name);
            }
            else
            {
                var mean = values.Average(v => (double)v);
                var std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
                Assert.True(Math.Abs(std - 0.02) < 0.002, $"{name}: std {std}");
            }
        }
    }

    [Fact]
    public void Noise_only_in_training()
    {
        var d = NarrowDiscriminator.CreateSimd();
        var x = Tensor.FromArray(Enumerable.Range(0, 2 * 3 * 32 * 32).Select(i => (float)Math.Cos(i)).ToArray(), 2, 3, 32, 32);
        var first = d.Forward(x, training: true).Span.ToArray();
        var second = d.Forward(x, training: true).Span.ToArray();
        Assert.NotEqual(first, second);

        var eval1 = d.Forward(x, training: false).Span.ToArray();
        var eval2 = d.Forward(x, training: false).Span.ToArray();
        Assert.Equal(eval1, eval2);
    }

    [Fact]
    public void Wrong_input_shape_throws()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => NarrowDiscriminator.CreateSimd().Forward(Tensor.Zeros(2, 3, 16, 16), training: false));
        Assert.Equal("NarrowDiscriminator expects input (N, 3, 32, 32) but receives (2, 3, 16, 16)", e.Message);
    }

    [Fact]
    public void State_round_trips_between_engines()
    {
        using var source = NarrowDiscriminator.CreateTorch();
        using (TorchSharp.torch.no_grad())
        {
            // Make buffers and the gamma-less shifts distinguishable from their initial values.
            foreach (var (_, t) in source.state_dict())
            {
                t.add_(TorchSharp.torch.rand_like(t));
            }
        }

        var simd = NarrowDiscriminator.CreateSimd();
        simd.CopyFrom(source);
        using var target = NarrowDiscriminator.CreateTorch();
        simd.CopyTo(target);

        var expected = source.state_dict();
        foreach (var (name, tensor) in target.state_dict())
        {
            Assert.Equal(expected[name].data<float>().ToArray(), tensor.data<float>().ToArray());
        }

        var bn = simd.StateDict().Single(s => s.Name == "bn0_1.running_var").T.Span.ToArray();
        Assert.Equal(expected["bn0_1.running_var"].data<float>().ToArray(), bn);
    }

    [Fact]
    public void Catalog_factories_create_and_copy_both_engines()
    {
        var pair = ModelCatalog.Narrow;
        using var torch = pair.CreateTorchGenerator();
        var simd = pair.CreateSimdGenerator(seed: 4);
        pair.CopyGenerator(torch, simd);
        Assert.Equal(torch.state_dict()["l0.weight"].data<float>().ToArray(), simd.StateDict().Single(s => s.Name == "l0.weight").T.Span.ToArray());
        Assert.Throws<ArgumentException>(() => pair.CopyDiscriminator(torch, simd));
    }
}
