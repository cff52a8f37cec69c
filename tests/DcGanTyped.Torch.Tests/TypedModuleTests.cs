using DcGanTyped.Shapes;
using DcGanTyped.Torch.Layers;
using BatchNorm = DcGanTyped.Torch.Layers.BatchNorm;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DcGanTyped.Torch.Tests;

public sealed class TypedModuleTests
{
    /// <summary>Layers large enough that the sample standard deviation is within a fraction of a percent.</summary>
    private sealed class WideNet : TypedModule
    {
#pragma warning disable SA1401, IDE1006
        public Linear l0 = nn.Linear(400, 1000);
        public Conv2d c1 = nn.Conv2d(64, 128, 4);
        public ConvTranspose2d dc2 = nn.ConvTranspose2d(128, 64, 4);
        public BatchNorm bn3 = new("bn3", 64, 2e-5, 0.9, gamma: true);
#pragma warning restore SA1401, IDE1006

        public WideNet()
            : base("WideNet") => RegisterComponents();

        public override NetworkInfo Info => new("WideNet", new Shape(400), new Shape(1000), []);

        public override Tensor forward(Tensor x) => l0.call(x);
    }

    [Theory]
    [InlineData(0.02)]
    [InlineData(0.1)]
    public void InitializeWeights_DrawsWeightsFromNormalStd_AndZeroesBiases(double std)
    {
        using var net = new WideNet();
        net.InitializeWeights(std, new Generator(7));

        foreach (var w in new[] { net.l0.weight!, net.c1.weight!, net.dc2.weight! })
        {
            // At least 131,072 samples: the sample std is within 0.5% and the mean within 4e-3 std (10 sigma).
            var values = w.data<float>().ToArray();
            var mean = values.Average(v => (double)v);
            var sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
            Assert.True(Math.Abs(sd - std) < 0.03 * std, $"{string.Join('x', w.shape)}: std {sd}, expected {std}");
            Assert.True(Math.Abs(mean) < 0.004 * std * 10, $"{string.Join('x', w.shape)}: mean {mean}");
        }

        foreach (var b in new[] { net.l0.bias!, net.c1.bias!, net.dc2.bias! })
        {
            Assert.All(b.data<float>().ToArray(), v => Assert.Equal(0f, v));
        }
    }

    [Fact]
    public void InitializeWeights_ResetsBatchNormToChainerDefaults()
    {
        using var net = new WideNet();
        using (no_grad())
        {
            net.bn3.weight!.fill_(3);
            net.bn3.bias.fill_(2);
            net.bn3.running_mean.fill_(5);
            net.bn3.running_var.fill_(7);
        }

        net.InitializeWeights(0.02);

        Assert.All(net.bn3.weight!.data<float>().ToArray(), v => Assert.Equal(1f, v));
        Assert.All(net.bn3.bias.data<float>().ToArray(), v => Assert.Equal(0f, v));
        Assert.All(net.bn3.running_mean.data<float>().ToArray(), v => Assert.Equal(0f, v));
        Assert.All(net.bn3.running_var.data<float>().ToArray(), v => Assert.Equal(1f, v));
    }

    [Fact]
    public void InitializeWeights_WithTheSameGenerator_IsReproducible()
    {
        using var a = new TinyNet(generator: new Generator(42));
        using var b = new TinyNet(generator: new Generator(42));
        using var c = new TinyNet(generator: new Generator(43));

        Assert.Equal(a.c3.weight!.data<float>().ToArray(), b.c3.weight!.data<float>().ToArray());
        Assert.NotEqual(a.c3.weight!.data<float>().ToArray(), c.c3.weight!.data<float>().ToArray());
    }

    [Fact]
    public void Forward_RejectsAWrongInputShape_WithTheNetworkAndBothShapes()
    {
        using var net = new TinyNet();
        using var x = zeros(4, 9);

        var e = Assert.Throws<ShapeMismatchException>(() => net.call(x));

        Assert.Equal("TinyNet expects input (N, 8) but receives (4, 9)", e.Message);
    }

    [Fact]
    public void StateDict_KeysFollowTheFieldNames_ParametersBeforeBuffers()
    {
        using var net = new TinyNet();

        // TorchSharp lists all parameters (in field order) and then all buffers.
        Assert.Equal(
            [
                "l0.weight", "l0.bias", "bn0.weight", "bn0.bias", "c3.weight", "c3.bias", "bn3.bias", "dc6.weight", "dc6.bias",
                "bn0.running_mean", "bn0.running_var", "bn3.running_mean", "bn3.running_var",
            ],
            net.state_dict().Keys);
    }
}
