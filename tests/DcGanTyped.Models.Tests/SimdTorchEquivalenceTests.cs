using DcGanTyped.Simd;
using TorchSharp;
using TT = TorchSharp.torch.Tensor;

namespace DcGanTyped.Models.Tests;

/// <summary>
/// Whole networks on both engines with the same weights (copied with <c>CopyFrom</c>) and noise switched off:
/// the same output, the same input gradient, the same parameter gradients and the same BatchNorm running
/// statistics after a training-mode forward. Gradients are of L = sum(y * r) for a random r.
/// Tolerance: |a - e| &lt;= 1e-3 * max|e| + 1e-3 * |e| per tensor (for a bias, max|e| is at least that of its
/// layer's weight gradient). Through a dozen layers with BatchNorm in
/// between, float32 rounding in different summation orders grows to ~1e-5 relative; gradients of BatchNorm
/// inputs at batch 2-4 amplify it, hence the margin.
/// </summary>
public sealed class SimdTorchEquivalenceTests
{
    private const double Tolerance = 1e-3;

    [Theory]
    [InlineData(4, 1)]
    [InlineData(3, 2)]
    public void NarrowGeneratorMatchesTorch(int batch, int seed)
    {
        using var torchNet = NarrowGenerator.CreateTorch();
        var simd = NarrowGenerator.CreateSimd(seed);
        Compare(torchNet, simd, s => s.CopyFrom(torchNet), [batch, 100], seed, "NarrowGenerator");
    }

    [Theory]
    [InlineData(4, 3)]
    [InlineData(2, 4)]
    public void NarrowDiscriminatorMatchesTorch(int batch, int seed)
    {
        using var torchNet = NarrowDiscriminator.CreateTorch();
        var simd = NarrowDiscriminator.CreateSimd(seed);
        Compare(torchNet, simd, s => s.CopyFrom(torchNet), [batch, 3, 32, 32], seed, "NarrowDiscriminator");
    }

    [Fact]
    public void SeedNetworksMatchTorch()
    {
        using var torchG = Generator.CreateTorch();
        var simdG = Generator.CreateSimd(5);
        Compare(torchG, simdG, s => s.CopyFrom(torchG), [2, 100], 5, "Generator");

        using var torchD = Discriminator.CreateTorch();
        var simdD = Discriminator.CreateSimd(6);
        Compare(torchD, simdD, s => s.CopyFrom(torchD), [2, 3, 32, 32], 6, "Discriminator");
    }

    private static void Compare<TSimd>(DcGanTyped.Torch.TypedModule torchNet, TSimd simd, Action<TSimd> copyFrom, int[] inputShape, int seed, string what)
        where TSimd : SimdNetwork
    {
        using var scope = torch.NewDisposeScope();
        var rng = new Random(seed);

        // BatchNorm running statistics start away from (0, 1) so the comparison of their update means something.
        using (torch.no_grad())
        {
            foreach (var (name, t) in torchNet.state_dict())
            {
                if (name.EndsWith("running_mean", StringComparison.Ordinal))
                {
                    t.copy_(torch.randn(t.shape) * 0.1);
                }
                else if (name.EndsWith("running_var", StringComparison.Ordinal))
                {
                    t.copy_(torch.rand(t.shape) + 0.5);
                }
            }
        }

        copyFrom(simd);
        torchNet.NoiseEnabled = false;
        simd.NoiseEnabled = false;
        torchNet.train();

        var x = Random(rng, inputShape);
        var xt = ToTorch(x).requires_grad_(true);
        var yt = torchNet.forward(xt);
        var y = simd.Forward(x, training: true);
        AssertClose(yt, y, $"{what} output");

        var r = Random(rng, y.Shape);
        (yt * ToTorch(r)).sum().backward();
        simd.ZeroGrad();
        var dx = simd.Backward(r);
        AssertClose(xt.grad!, dx, $"{what} dL/dx");

        var torchParams = torchNet.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, p) in simd.NamedParameters())
        {
            // A bias followed by training-mode BatchNorm has an exactly zero true gradient (the mean is removed),
            // so both engines return rounding noise: measure it against the scale of the same layer's weight gradient.
            var layerWeight = name[..name.LastIndexOf('.')] + ".weight";
            var scale = torchParams.TryGetValue(layerWeight, out var w) ? w.grad!.abs().max().item<float>() : 0;
            AssertClose(torchParams[name].grad!, p.Grad, $"{what} d{name}", scale);
        }

        var torchState = torchNet.state_dict();
        foreach (var (name, t) in simd.StateDict().Where(s => s.Name.Contains("running", StringComparison.Ordinal)))
        {
            AssertClose(torchState[name], t, $"{what} {name} after a training forward");
        }

        // Evaluation mode reads the running statistics both engines just updated.
        torchNet.eval();
        using (torch.no_grad())
        {
            AssertClose(torchNet.forward(ToTorch(x)), simd.Forward(x, training: false), $"{what} evaluation output");
        }
    }

    private static Simd.Tensor Random(Random rng, int[] shape)
    {
        var t = Simd.Tensor.Zeros(shape);
        var s = t.Span;
        for (var i = 0; i < s.Length; i++)
        {
            s[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        }

        return t;
    }

    private static TT ToTorch(Simd.Tensor t) => torch.tensor(t.Span.ToArray(), [.. t.Shape.Select(d => (long)d)]);

    private static void AssertClose(TT expectedTensor, Simd.Tensor actualTensor, string what, double minScale = 0)
    {
        Assert.Equal(expectedTensor.shape, actualTensor.Shape.Select(d => (long)d).ToArray());
        var expected = expectedTensor.detach().contiguous().data<float>().ToArray();
        var actual = actualTensor.Span;
        var scale = Math.Max(minScale, expected.Length == 0 ? 0 : expected.Max(v => Math.Abs((double)v)));
        var (worst, at, fails) = (0.0, -1, false);
        for (var i = 0; i < expected.Length; i++)
        {
            var d = Math.Abs((double)actual[i] - expected[i]);
            if (double.IsNaN(d) || d > worst)
            {
                (worst, at) = (double.IsNaN(d) ? double.PositiveInfinity : d, i);
            }

            fails |= double.IsNaN(d) || d > (Tolerance * scale) + (Tolerance * Math.Abs(expected[i]));
        }

        Assert.False(
            fails,
            $"{what}: max abs diff {worst:G4} at index {at} (expected {(at >= 0 ? expected[at] : 0):G6}, actual {(at >= 0 ? actual[at] : 0):G6}); tolerance {Tolerance} * max|expected| ({scale:G4}) + {Tolerance} * |expected|");
    }
}
