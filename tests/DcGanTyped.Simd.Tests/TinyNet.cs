using DcGanTyped.Shapes;

namespace DcGanTyped.Simd.Tests;

/// <summary>A small hand-written network using every layer kind, shaped like the generated ones.</summary>
internal sealed class TinyNet : SimdNetwork
{
    public readonly Linear l0;
    public readonly BatchNorm bn0;
    public readonly ReLU relu2;
    public readonly Reshape reshape3;
    public readonly ConvTranspose2d dc1;
    public readonly BatchNorm bn1;
    public readonly GaussianNoise noise6;
    public readonly LeakyReLU leakyrelu7;
    public readonly Conv2d c2;
    public readonly Sigmoid sigmoid9;
    public readonly Flatten flatten10;
    public readonly Linear l3;

    public TinyNet()
        : base(new NetworkInfo("TinyNet", new Shape(6), new Shape(1), []))
    {
        l0 = Add(new Linear("l0", 6, 5 * 2 * 2, true));
        bn0 = Add(new BatchNorm("bn0", 20, 2e-5, 0.9, true));
        relu2 = Add(new ReLU("relu2"));
        reshape3 = Add(new Reshape("reshape3", [5, 2, 2]));
        dc1 = Add(new ConvTranspose2d("dc1", 5, 3, 4, 2, 1, true));
        bn1 = Add(new BatchNorm("bn1", 3, 2e-5, 0.9, false));
        noise6 = Add(new GaussianNoise("noise6", 0.2f));
        leakyrelu7 = Add(new LeakyReLU("leakyrelu7", 0.2f));
        c2 = Add(new Conv2d("c2", 3, 4, 3, 1, 1, true));
        sigmoid9 = Add(new Sigmoid("sigmoid9"));
        flatten10 = Add(new Flatten("flatten10"));
        l3 = Add(new Linear("l3", 4 * 4 * 4, 1, true));
    }

    public override Tensor Forward(Tensor x, bool training)
    {
        CheckInput(x);
        for (var i = 0; i < Layers.Count; i++)
        {
            x = Layers[i].Forward(x, training);
        }

        return x;
    }

    public override Tensor Backward(Tensor gradOutput)
    {
        for (var i = Layers.Count - 1; i >= 0; i--)
        {
            gradOutput = Layers[i].Backward(gradOutput);
        }

        return gradOutput;
    }
}
