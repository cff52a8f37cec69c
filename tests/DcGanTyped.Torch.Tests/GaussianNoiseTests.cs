using DcGanTyped.Torch.Layers;
using static TorchSharp.torch;

namespace DcGanTyped.Torch.Tests;

public sealed class GaussianNoiseTests
{
    [Fact]
    public void InTraining_AddsNoiseWithTheDeclaredSigma()
    {
        using var scope = NewDisposeScope();
        var noise = new GaussianNoise("noise0", 0.2);
        noise.train();
        var x = ones(200, 100);

        var added = (noise.call(x) - x).data<float>().ToArray();

        // 20,000 samples: the sample std is within 3% of sigma and the mean within 0.02 (10 sigma / sqrt(n) bounds).
        var mean = added.Average(v => (double)v);
        var sd = Math.Sqrt(added.Sum(v => (v - mean) * (v - mean)) / (added.Length - 1));
        Assert.True(Math.Abs(sd - 0.2) < 0.006, $"noise std {sd}");
        Assert.True(Math.Abs(mean) < 0.02, $"noise mean {mean}");
    }

    [Fact]
    public void InEval_IsTheIdentity()
    {
        using var scope = NewDisposeScope();
        var noise = new GaussianNoise("noise0", 0.2);
        noise.eval();
        var x = randn(10, 3, 4, 4);

        Assert.Equal(x.data<float>().ToArray(), noise.call(x).data<float>().ToArray());
    }

    [Fact]
    public void Disabled_IsTheIdentityEvenInTraining()
    {
        using var scope = NewDisposeScope();
        var noise = new GaussianNoise("noise0", 0.2) { Enabled = false };
        noise.train();
        var x = randn(10, 3);

        Assert.Equal(x.data<float>().ToArray(), noise.call(x).data<float>().ToArray());
    }

    [Fact]
    public void NoiseEnabled_OnTheModule_SwitchesEveryNoiseLayer()
    {
        using var scope = NewDisposeScope();
        var net = new TinyNet();
        net.train();
        var x = randn(6, 8);

        net.NoiseEnabled = false;
        Assert.False(net.noise5.Enabled);
        var a = net.call(x);
        var b = net.call(x);
        Assert.True(a.allclose(b), "without noise two training passes on the same batch agree");

        net.NoiseEnabled = true;
        Assert.True(net.noise5.Enabled);
        Assert.False(net.call(x).allclose(a), "with noise a training pass differs");
    }

    [Fact]
    public void With_a_generator_the_noise_is_that_generators_stream()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(42, CPU);
        var noise = new GaussianNoise("noise0", 0.2) { Generator = generator };
        noise.train();
        var x = ones(4, 5);
        using var start = generator.get_state();

        var first = noise.call(x).data<float>().ToArray();
        random.manual_seed(7); // the global generator does not take part
        generator.set_state(start);
        var again = noise.call(x).data<float>().ToArray();
        Assert.Equal(first, again);

        // Exactly x + sigma * randn from the same state, drawn independently here.
        generator.set_state(start);
        var expected = (x + (randn(new long[] { 4, 5 }, generator: generator) * 0.2)).data<float>().ToArray();
        Assert.Equal(expected, first);
    }

    [Fact]
    public void NoiseGenerator_OnTheModule_ReachesEveryNoiseLayer()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(1, CPU);
        var net = new TinyNet { NoiseGenerator = generator };

        Assert.Same(generator, net.noise5.Generator);
        net.NoiseGenerator = null;
        Assert.Null(net.noise5.Generator);
    }
}
