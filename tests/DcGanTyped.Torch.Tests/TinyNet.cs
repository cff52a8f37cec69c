using DcGanTyped.Shapes;
using DcGanTyped.Torch;
using DcGanTyped.Torch.Layers;
using BatchNorm = DcGanTyped.Torch.Layers.BatchNorm;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DcGanTyped.Torch.Tests;

/// <summary>
/// A small hand-written typed module with every layer kind the runtime initialises or saves, written the way the
/// generator writes modules, so these tests do not depend on generated code.
/// </summary>
internal sealed class TinyNet : TypedModule
{
    public static readonly NetworkInfo Metadata = new(
        "TinyNet",
        new Shape(8),
        new Shape(2, 8, 8),
        [
            new LayerInfo("l0", LayerKind.Linear, new Shape(32), (8 * 32) + 32, 2 * 8 * 32),
            new LayerInfo("bn0", LayerKind.BatchNorm1d, new Shape(32), 64, 4 * 32),
            new LayerInfo("reshape2", LayerKind.Reshape, new Shape(2, 4, 4), 0, 0),
            new LayerInfo("c3", LayerKind.Conv2d, new Shape(3, 4, 4), (2 * 3 * 9) + 3, 2 * 2 * 3 * 9 * 16),
            new LayerInfo("bn3", LayerKind.BatchNorm2d, new Shape(3, 4, 4), 3, 4 * 48),
            new LayerInfo("noise5", LayerKind.GaussianNoise, new Shape(3, 4, 4), 0, 48),
            new LayerInfo("dc6", LayerKind.ConvTranspose2d, new Shape(2, 8, 8), (3 * 2 * 16) + 2, 2 * 3 * 2 * 16 * 16),
        ]);

#pragma warning disable SA1401, IDE1006 // Public fields named like TorchSharp's, as generated modules declare them.
    public Linear l0;
    public BatchNorm bn0;
    public Conv2d c3;
    public BatchNorm bn3;
    public GaussianNoise noise5;
    public ConvTranspose2d dc6;
#pragma warning restore SA1401, IDE1006

    public TinyNet(double std = 0.02, Generator? generator = null)
        : base("TinyNet")
    {
        l0 = nn.Linear(8, 32);
        bn0 = new BatchNorm("bn0", 32, 2e-5, 0.9, gamma: true);
        c3 = nn.Conv2d(2, 3, 3, padding: 1);
        bn3 = new BatchNorm("bn3", 3, 2e-5, 0.9, gamma: false);
        noise5 = new GaussianNoise("noise5", 0.2);
        dc6 = nn.ConvTranspose2d(3, 2, 4, stride: 2, padding: 1);
        RegisterComponents();
        InitializeWeights(std, generator);
    }

    public override NetworkInfo Info => Metadata;

    public override Tensor forward(Tensor x)
    {
        CheckInput(x);
        var h = bn0.call(l0.call(x)).reshape(-1, 2, 4, 4);      // (N, 2, 4, 4)
        h = nn.functional.leaky_relu(noise5.call(bn3.call(c3.call(h))), 0.2); // (N, 3, 4, 4)
        return dc6.call(h);                                    // (N, 2, 8, 8)
    }
}
