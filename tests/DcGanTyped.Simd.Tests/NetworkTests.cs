using DcGanTyped.Shapes;
using static DcGanTyped.Simd.Tests.TestUtil;

namespace DcGanTyped.Simd.Tests;

/// <summary>SimdNetwork bookkeeping: names, initialisation, noise control and state, input checks.</summary>
public sealed class NetworkTests
{
    [Fact]
    public void StateDictHasTorchSharpNamesAndOrder()
    {
        var net = new TinyNet();
        Assert.Equal(
            ["l0.weight", "l0.bias", "bn0.weight", "bn0.bias", "dc1.weight", "dc1.bias", "bn1.bias", "c2.weight", "c2.bias", "l3.weight", "l3.bias"],
            net.NamedParameters().Select(p => p.Name));
        // TorchSharp's state_dict (and Module.save) lists every parameter first, then every buffer.
        Assert.Equal(
            ["l0.weight", "l0.bias", "bn0.weight", "bn0.bias", "dc1.weight", "dc1.bias", "bn1.bias", "c2.weight", "c2.bias",
             "l3.weight", "l3.bias", "bn0.running_mean", "bn0.running_var", "bn1.running_mean", "bn1.running_var"],
            net.StateDict().Select(p => p.Name));
        Assert.Equal([5, 3, 4, 4], net.dc1.Weight.Value.Shape);
        Assert.Equal([4, 3, 3, 3], net.c2.Weight.Value.Shape);
        Assert.Equal([20, 6], net.l0.Weight.Value.Shape);
    }

    [Fact]
    public void InitializeWeightsDrawsWeightsAndResetsTheRest()
    {
        var net = new TinyNet();
        foreach (var (_, t) in net.StateDict())
        {
            t.Span.Fill(3f);
        }

        net.InitializeWeights(0.02, new Random(1));
        var w = net.dc1.Weight.Value.Span.ToArray();
        var mean = w.Average();
        var std = Math.Sqrt(w.Select(v => (v - mean) * (v - mean)).Average());
        Assert.InRange(std, 0.015, 0.025);
        Assert.InRange(mean, -0.006, 0.006);
        Assert.All(net.dc1.Bias!.Value.Span.ToArray(), v => Assert.Equal(0f, v));
        Assert.All(net.bn0.Weight!.Value.Span.ToArray(), v => Assert.Equal(1f, v));
        Assert.All(net.bn0.Bias.Value.Span.ToArray(), v => Assert.Equal(0f, v));
        Assert.All(net.bn0.RunningVar.Span.ToArray(), v => Assert.Equal(1f, v));
        Assert.All(net.bn0.RunningMean.Span.ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void NoiseIsSeededRestorableAndSwitchable()
    {
        var net = new TinyNet();
        net.InitializeWeights(0.5, new Random(2));
        var x = Random(new Random(3), 1, 4, 6);
        net.Noise.Reset(42);
        var state = net.Noise.GetState();
        var first = net.Forward(x, true).Span.ToArray();
        var second = net.Forward(x, true).Span.ToArray();
        Assert.NotEqual(first, second);
        net.Noise.SetState(state);
        AssertClose(first, net.Forward(x, true).Span, 1e-6, 1e-5, "same noise after restoring the state");

        net.NoiseEnabled = false;
        Assert.False(net.noise6.Enabled);
        var a = net.Forward(x, true).Span.ToArray();
        var b = net.Forward(x, true).Span.ToArray();
        AssertClose(a, b, 1e-6, 1e-5, "no noise when disabled");
    }

    [Fact]
    public void NoiseSamplesAreStandardNormal()
    {
        var values = new float[200_000];
        new NoiseSource(7).FillNormal(values, 0.2f);
        var mean = values.Average();
        var std = Math.Sqrt(values.Select(v => (double)(v - mean) * (v - mean)).Average());
        Assert.InRange(mean, -0.003, 0.003);
        Assert.InRange(std, 0.198, 0.202);
    }

    [Fact]
    public void CheckInputThrowsShapeMismatch()
    {
        var net = new TinyNet();
        var ex = Assert.Throws<ShapeMismatchException>(() => net.Forward(Tensor.Zeros(2, 7), false));
        Assert.Contains("TinyNet expects input (N, 6) but receives (2, 7)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ZeroGradClearsAndBackwardAccumulates()
    {
        var net = new TinyNet();
        net.InitializeWeights(0.3, new Random(4));
        net.NoiseEnabled = false;
        var x = Random(new Random(5), 1, 3, 6);
        var g = Tensor.FromArray([1f, -1f, 0.5f], 3, 1);
        net.Forward(x, true);
        net.Backward(g);
        var once = net.l0.Weight.Grad.Span.ToArray();
        net.Forward(x, true);
        net.Backward(g);
        var twice = net.l0.Weight.Grad.Span.ToArray();
        AssertClose(once.Select(v => 2 * v).ToArray(), twice, 1e-6, 1e-4, "second backward adds");
        net.ZeroGrad();
        Assert.All(net.l0.Weight.Grad.Span.ToArray(), v => Assert.Equal(0f, v));
    }
}
