using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using TorchSharp;
using static DcGanTyped.Simd.Tests.TestUtil;
using F = TorchSharp.torch.nn.functional;
using TT = TorchSharp.torch.Tensor;

namespace DcGanTyped.Simd.Tests;

/// <summary>
/// Each op's forward, input gradient and parameter gradients against TorchSharp on random shapes: batch 1..8,
/// odd spatial sizes, channel counts that are not multiples of any vector width. Gradients are taken of
/// L = sum(y * r) for a random r, so backward receives r as dL/dy. FsCheck prints the replay seed on failure.
/// </summary>
public sealed class TorchEquivalenceTests
{
    // float32 sums of up to a few thousand products: absolute 1e-4 plus relative 1e-4 covers the rounding of
    // both engines (which sum in different orders) with a wide margin over what we observe (~1e-6).
    private const double Abs = 1e-4;
    private const double Rel = 1e-4;

    private static readonly Gen<ConvCase> ConvCases =
        from n in Gen.Choose(1, 8)
        from cin in Gen.Choose(1, 19)
        from cout in Gen.Choose(1, 21)
        from k in Gen.Choose(1, 4)
        from s in Gen.Choose(1, 2)
        from p in Gen.Choose(0, 2)
        from h in Gen.Choose(Math.Max(1, k - (2 * p)), 9)
        from w in Gen.Choose(Math.Max(1, k - (2 * p)), 9)
        from bias in ArbMap.Default.GeneratorFor<bool>()
        from seed in Gen.Choose(0, int.MaxValue - 1)
        select new ConvCase(n, cin, cout, h, w, k, s, Math.Min(p, k - 1), bias, seed);

    [Property(MaxTest = 25)]
    public Property LinearMatchesTorch() => Prop.ForAll(
        (from n in Gen.Choose(1, 8) from i in Gen.Choose(1, 70) from o in Gen.Choose(1, 40) from b in ArbMap.Default.GeneratorFor<bool>() from seed in Gen.Choose(0, int.MaxValue - 1) select (n, i, o, b, seed)).ToArbitrary(),
        c =>
        {
            var rng = new Random(c.seed);
            var layer = new Linear("l", c.i, c.o, c.b);
            Randomize(rng, layer.Parameters);

            // A (N, 1, i) input exercises the flattening.
            var x = Random(rng, 1, c.n, 1, c.i);
            var r = Random(rng, 1, c.n, c.o);
            CheckAgainstTorch(layer, x, r, true, (xt, P) => F.linear(xt.flatten(1), P(layer.Weight), c.b ? P(layer.Bias!) : null), $"Linear {c}");
        });

    [Property(MaxTest = 25)]
    public Property Conv2dMatchesTorch() => Prop.ForAll(ConvCases.ToArbitrary(), c =>
    {
        var rng = new Random(c.Seed);
        var layer = new Conv2d("c", c.Cin, c.Cout, c.K, c.S, c.P, c.Bias);
        Randomize(rng, layer.Parameters);
        var x = Random(rng, 1, c.N, c.Cin, c.H, c.W);
        var ho = Shapes.ShapeMath.ConvOutput(c.H, c.K, c.S, c.P);
        var wo = Shapes.ShapeMath.ConvOutput(c.W, c.K, c.S, c.P);
        var r = Random(rng, 1, c.N, c.Cout, ho, wo);
        CheckAgainstTorch(
            layer, x, r, true,
            (xt, P) => F.conv2d(xt, P(layer.Weight), c.Bias ? P(layer.Bias!) : null, strides: [c.S, c.S], padding: [c.P, c.P]),
            $"Conv2d {c}");
    });

    [Property(MaxTest = 25)]
    public Property ConvTranspose2dMatchesTorch() => Prop.ForAll(ConvCases.ToArbitrary(), c =>
    {
        var rng = new Random(c.Seed);
        var (h, w) = (Math.Max(c.H - 3, 1), Math.Max(c.W - 4, 1));
        var ho = Shapes.ShapeMath.ConvTransposeOutput(h, c.K, c.S, c.P);
        var wo = Shapes.ShapeMath.ConvTransposeOutput(w, c.K, c.S, c.P);
        if (ho <= 0 || wo <= 0)
        {
            return;
        }

        var layer = new ConvTranspose2d("d", c.Cin, c.Cout, c.K, c.S, c.P, c.Bias);
        Randomize(rng, layer.Parameters);
        var x = Random(rng, 1, c.N, c.Cin, h, w);
        var r = Random(rng, 1, c.N, c.Cout, ho, wo);
        CheckAgainstTorch(
            layer, x, r, true,
            (xt, P) => F.conv_transpose2d(xt, P(layer.Weight), c.Bias ? P(layer.Bias!) : null, strides: [c.S, c.S], padding: [c.P, c.P]),
            $"ConvTranspose2d {c} in ({h}, {w})");
    });

    [Property(MaxTest = 30)]
    public Property BatchNormMatchesTorch() => Prop.ForAll(
        (from n in Gen.Choose(2, 8) from ch in Gen.Choose(1, 19) from twoD in ArbMap.Default.GeneratorFor<bool>() from h in Gen.Choose(1, 7) from w in Gen.Choose(1, 5)
         from gamma in ArbMap.Default.GeneratorFor<bool>() from training in ArbMap.Default.GeneratorFor<bool>() from seed in Gen.Choose(0, int.MaxValue - 1)
         select (n, ch, twoD, h, w, gamma, training, seed)).ToArbitrary(),
        c =>
        {
            var rng = new Random(c.seed);
            var layer = new BatchNorm("bn", c.ch, 2e-5, 0.9, c.gamma);
            Randomize(rng, layer.Parameters);
            Fill(rng, layer.RunningMean.Span, 1);
            for (var i = 0; i < c.ch; i++)
            {
                layer.RunningVar.Span[i] = 0.5f + (float)rng.NextDouble();
            }

            int[] shape = c.twoD ? [c.n, c.ch, c.h, c.w] : [c.n, c.ch];
            var x = Random(rng, 2, shape);
            TensorPrimitivesShift(x.Span, 0.7f);
            var r = Random(rng, 1, shape);
            var rm = ToTorch(layer.RunningMean);
            var rv = ToTorch(layer.RunningVar);
            CheckAgainstTorch(layer, x, r, c.training, (xt, P) => F.batch_norm(xt, rm, rv, c.gamma ? P(layer.Weight!) : torch.ones(c.ch), P(layer.Bias), c.training, 0.1, 2e-5), $"BatchNorm {c}", abs: 2e-4, rel: 2e-4);

            // Running statistics after the forward (updated only in training).
            AssertClose(rm, layer.RunningMean, 1e-5, 1e-5, $"running_mean {c}");
            AssertClose(rv, layer.RunningVar, 1e-5, 1e-5, $"running_var {c}");
        });

    [Property(MaxTest = 20)]
    public Property ActivationsMatchTorch() => Prop.ForAll(
        (from n in Gen.Choose(1, 8) from len in Gen.Choose(1, 77) from seed in Gen.Choose(0, int.MaxValue - 1) select (n, len, seed)).ToArbitrary(),
        c =>
        {
            var rng = new Random(c.seed);
            var x = Random(rng, 3, c.n, c.len);
            var r = Random(rng, 1, c.n, c.len);
            CheckAgainstTorch(new ReLU("relu"), x, r, true, (xt, _) => F.relu(xt), $"ReLU {c}");
            CheckAgainstTorch(new LeakyReLU("lrelu", 0.2f), x, r, true, (xt, _) => F.leaky_relu(xt, 0.2), $"LeakyReLU {c}");
            CheckAgainstTorch(new Sigmoid("sigmoid"), x, r, true, (xt, _) => F.sigmoid(xt), $"Sigmoid {c}");
            CheckAgainstTorch(new Softplus("softplus"), x, r, true, (xt, _) => F.softplus(xt), $"Softplus {c}");
        });

    [Fact]
    public void SoftplusIsStableForLargeMagnitudes()
    {
        var x = Tensor.FromArray([-1000f, -90f, -20f, -1e-3f, 0f, 1e-3f, 20f, 90f, 1000f], 1, 9);
        var r = Tensor.FromArray([1f, 1, 1, 1, 1, 1, 1, 1, 1], 1, 9);
        CheckAgainstTorch(new Softplus("softplus"), x, r, true, (xt, _) => F.softplus(xt), "Softplus extremes", abs: 1e-6, rel: 1e-6);
    }

    [Property(MaxTest = 20)]
    public Property MeanSoftplusLossesMatchTorch() => Prop.ForAll(
        (from n in Gen.Choose(1, 64) from seed in Gen.Choose(0, int.MaxValue - 1) select (n, seed)).ToArbitrary(),
        c =>
        {
            var rng = new Random(c.seed);
            var y = Random(rng, 5, c.n, 1);
            foreach (var sign in new[] { -1f, 1f })
            {
                var grad = Tensor.Zeros(1);
                var loss = GanLoss.MeanSoftplus(y, sign, grad);
                var yt = ToTorch(y, requiresGrad: true);
                var lt = F.softplus(yt * sign).sum() / c.n;
                lt.backward();
                AssertClose([lt.item<float>()], [loss], 1e-5, 1e-5, $"loss sign {sign} {c}");
                AssertClose(yt.grad!, grad, 1e-6, 1e-5, $"loss gradient sign {sign} {c}");
            }
        });

    [Fact]
    public void ReshapeAndFlattenAreViewsWithMatchingGradients()
    {
        var rng = new Random(3);
        var x = Random(rng, 1, 3, 24);
        var reshape = new Reshape("reshape3", [2, 3, 4]);
        var y = reshape.Forward(x, true);
        Assert.Equal([3, 2, 3, 4], y.Shape);
        AssertClose(x.Span, y.Span, 0, 0, "reshape values");
        var flatten = new Flatten("flatten4");
        var z = flatten.Forward(y, true);
        Assert.Equal([3, 24], z.Shape);
        var g = flatten.Backward(Random(rng, 1, 3, 24));
        Assert.Equal([3, 2, 3, 4], g.Shape);
        Assert.Equal([3, 24], reshape.Backward(g).Shape);
        Assert.Throws<ArgumentException>(() => reshape.Forward(Random(rng, 1, 3, 25), true));
    }

    private static void TensorPrimitivesShift(Span<float> x, float by) => System.Numerics.Tensors.TensorPrimitives.Add(x, by, x);

    private static void Randomize(Random rng, IReadOnlyList<Parameter> ps)
    {
        foreach (var p in ps)
        {
            Fill(rng, p.Value.Span, 0.5f);
            Fill(rng, p.Grad.Span, 0.1f);
        }
    }

    /// <summary>
    /// Runs our layer and <paramref name="torchOp"/> (given the input and a map from our parameters to torch
    /// leaves) on the same values; compares outputs, dL/dx and, for each parameter, the gradient our backward
    /// ADDED to the pre-existing random gradient.
    /// </summary>
    private static void CheckAgainstTorch(Layer layer, Tensor x, Tensor r, bool training, Func<TT, Func<Parameter, TT>, TT> torchOp, string what, double abs = Abs, double rel = Rel)
    {
        using var scope = torch.NewDisposeScope();
        var before = layer.Parameters.Select(p => p.Grad.Span.ToArray()).ToArray();
        var leaves = layer.Parameters.ToDictionary(p => p, p => ToTorch(p.Value, requiresGrad: true));
        var xt = ToTorch(x, requiresGrad: true);
        var yt = torchOp(xt, p => leaves[p]);
        var y = layer.Forward(x, training);
        AssertClose(yt, y, abs, rel, what + " forward");
        (yt * ToTorch(r)).sum().backward();
        var dx = layer.Backward(r);
        AssertClose(xt.grad!, dx, abs, rel, what + " dL/dx");
        foreach (var (p, i) in layer.Parameters.Select((p, i) => (p, i)))
        {
            var added = p.Grad.Span.ToArray();
            for (var j = 0; j < added.Length; j++)
            {
                added[j] -= before[i][j];
            }

            AssertClose(ToArray(leaves[p].grad!), added, abs, rel, $"{what} d{p.Name}");
        }
    }

    private sealed record ConvCase(int N, int Cin, int Cout, int H, int W, int K, int S, int P, bool Bias, int Seed);
}
