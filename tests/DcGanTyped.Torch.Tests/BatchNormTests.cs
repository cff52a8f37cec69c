using DcGanTyped.Torch.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace DcGanTyped.Torch.Tests;

/// <summary>
/// Our BatchNorm against TorchSharp's own BatchNorm1d/2d (momentum 0.1 = Chainer decay 0.9), and its running
/// statistics against a direct computation from the batch.
/// </summary>
public sealed class BatchNormTests
{
    private const double Eps = 2e-5;
    private const float Tol = 1e-5f;

    public static TheoryData<bool, int> Cases => new()
    {
        { true, 1 }, { false, 1 }, { true, 2 }, { false, 2 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void TrainingAndEval_MatchTorchSharpBatchNorm(bool gamma, int dims)
    {
        using var scope = NewDisposeScope();
        var g = new Generator(1);
        const int C = 5;
        var ours = new BatchNorm("bn", C, Eps, 0.9, gamma);
        nn.Module<Tensor, Tensor> theirs = dims == 1 ? nn.BatchNorm1d(C, Eps, 0.1) : nn.BatchNorm2d(C, Eps, 0.1);
        var (tw, tb) = WeightAndBias(theirs);
        using (no_grad())
        {
            var bias = randn(C, generator: g);
            ours.bias.copy_(bias);
            tb.copy_(bias);
            if (gamma)
            {
                var w = randn(C, generator: g);
                ours.weight!.copy_(w);
                tw.copy_(w);
            }
            else
            {
                // Without gamma the scale is fixed at one, which is TorchSharp's layer with weight 1.
                tw.fill_(1);
            }
        }

        ours.train();
        theirs.train();
        for (var step = 0; step < 3; step++)
        {
            var x = (randn(dims == 1 ? [7, C] : [7, C, 3, 2], generator: g) * 2) + step;
            AssertClose(theirs.call(x), ours.call(x), $"train step {step}");
        }

        AssertClose(Buffer(theirs, "running_mean"), ours.running_mean, "running_mean");
        AssertClose(Buffer(theirs, "running_var"), ours.running_var, "running_var");

        ours.eval();
        theirs.eval();
        var xe = randn(dims == 1 ? [4, C] : [4, C, 2, 3], generator: g);
        AssertClose(theirs.call(xe), ours.call(xe), "eval");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void RunningStatistics_MoveTenPercentTowardsTheBatch_WithUnbiasedVariance(int dims)
    {
        using var scope = NewDisposeScope();
        const int C = 3;
        var bn = new BatchNorm("bn", C, Eps, 0.9, gamma: false);
        var x = randn(dims == 1 ? [6, C] : [6, C, 2, 2], generator: new Generator(3)) + 1;
        bn.train();
        bn.call(x);

        // Independent computation per channel from the raw values.
        var values = x.data<float>().ToArray();
        var perSample = dims == 1 ? 1 : 4;
        for (var c = 0; c < C; c++)
        {
            var xs = new List<double>();
            for (var n = 0; n < 6; n++)
            {
                for (var i = 0; i < perSample; i++)
                {
                    xs.Add(values[(((n * C) + c) * perSample) + i]);
                }
            }

            var mean = xs.Average();
            var unbiased = xs.Sum(v => (v - mean) * (v - mean)) / (xs.Count - 1);
            Assert.Equal(0.1 * mean, bn.running_mean[c].item<float>(), 5);
            Assert.Equal((0.9 * 1.0) + (0.1 * unbiased), bn.running_var[c].item<float>(), 5);
        }
    }

    [Fact]
    public void WithoutGamma_OnlyTheShiftIsLearnable()
    {
        using var bn = new BatchNorm("bn", 4, Eps, 0.9, gamma: false);

        Assert.Null(bn.weight);
        Assert.Equal(["bias"], bn.named_parameters().Select(p => p.name));
        Assert.Equal(["running_mean", "running_var"], bn.named_buffers().Select(b => b.name));

        var x = randn(5, 4, requires_grad: true);
        bn.train();
        bn.call(x).sum().backward();
        Assert.NotNull(bn.bias.grad);
    }

    private static (Tensor Weight, Tensor Bias) WeightAndBias(nn.Module module)
    {
        var ps = module.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        return (ps["weight"], ps["bias"]);
    }

    private static Tensor Buffer(nn.Module module, string name)
        => module.named_buffers().First(b => b.name == name).buffer;

    private static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        var diff = (expected - actual).abs();
        var max = diff.max().item<float>();
        var at = diff.argmax().item<long>();
        Assert.True(max <= Tol, $"{what}: max |diff| {max} at flat index {at} (tolerance {Tol})");
    }
}
