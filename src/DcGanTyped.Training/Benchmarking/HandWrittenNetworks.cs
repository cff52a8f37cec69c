using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DcGanTyped.Training.Benchmarking;

/// <summary>
/// Chainer's DCGAN generator written by hand with stock TorchSharp modules, the way a PyTorch user would write it:
/// the baseline that shows what the generated module costs. Layers are registered in the same order and with the
/// same names as the generated module, so <see cref="HandWrittenInit.Apply"/> after the same
/// <c>manual_seed</c> draws the same weights.
/// </summary>
public sealed class HandGenerator : nn.Module<Tensor, Tensor>
{
    // TorchSharp registers submodules by field name: these names are the state_dict keys, as in the generated module.
    private readonly Linear l0;
    private readonly BatchNorm1d bn0;
    private readonly ConvTranspose2d dc1;
    private readonly BatchNorm2d bn1;
    private readonly ConvTranspose2d dc2;
    private readonly BatchNorm2d bn2;
    private readonly ConvTranspose2d dc3;
    private readonly BatchNorm2d bn3;
    private readonly ConvTranspose2d dc4;
    private readonly long ch;

    /// <summary>Creates the generator for <paramref name="ch"/> channels (512 in the seed) and z of <paramref name="nHidden"/>.</summary>
    public HandGenerator(int ch, int nHidden)
        : base("HandGenerator")
    {
        this.ch = ch;
        l0 = nn.Linear(nHidden, 4 * 4 * ch);
        bn0 = nn.BatchNorm1d(4 * 4 * ch, eps: 2e-5, momentum: 0.1);
        dc1 = nn.ConvTranspose2d(ch, ch / 2, kernel_size: 4, stride: 2, padding: 1);
        bn1 = nn.BatchNorm2d(ch / 2, eps: 2e-5, momentum: 0.1);
        dc2 = nn.ConvTranspose2d(ch / 2, ch / 4, kernel_size: 4, stride: 2, padding: 1);
        bn2 = nn.BatchNorm2d(ch / 4, eps: 2e-5, momentum: 0.1);
        dc3 = nn.ConvTranspose2d(ch / 4, ch / 8, kernel_size: 4, stride: 2, padding: 1);
        bn3 = nn.BatchNorm2d(ch / 8, eps: 2e-5, momentum: 0.1);
        dc4 = nn.ConvTranspose2d(ch / 8, 3, kernel_size: 3, stride: 1, padding: 1);
        RegisterComponents();
        HandWrittenInit.Apply(this, 0.02);
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor z)
    {
        using var scope = NewDisposeScope();
        var h = bn0.forward(l0.forward(z)).relu().reshape(z.shape[0], ch, 4, 4);
        h = bn1.forward(dc1.forward(h)).relu();
        h = bn2.forward(dc2.forward(h)).relu();
        h = bn3.forward(dc3.forward(h)).relu();
        return dc4.forward(h).sigmoid().MoveToOuterDisposeScope();
    }
}

/// <summary>
/// Chainer's DCGAN discriminator written by hand with stock TorchSharp modules: Gaussian noise (sigma 0.2, training
/// only) on the input and after every convolution/BatchNorm, LeakyReLU(0.2), BatchNorm without a learnable scale
/// (a stock <c>BatchNorm2d</c> whose weight stays 1 with <c>requires_grad</c> off).
/// </summary>
public sealed class HandDiscriminator : nn.Module<Tensor, Tensor>
{
    // TorchSharp registers submodules by field name: these names are the state_dict keys, as in the generated module.
    private readonly Conv2d c0_0;
    private readonly Conv2d c0_1;
    private readonly BatchNorm2d bn0_1;
    private readonly Conv2d c1_0;
    private readonly BatchNorm2d bn1_0;
    private readonly Conv2d c1_1;
    private readonly BatchNorm2d bn1_1;
    private readonly Conv2d c2_0;
    private readonly BatchNorm2d bn2_0;
    private readonly Conv2d c2_1;
    private readonly BatchNorm2d bn2_1;
    private readonly Conv2d c3_0;
    private readonly BatchNorm2d bn3_0;
    private readonly Linear l4;

    /// <summary>Creates the discriminator for <paramref name="ch"/> channels (512 in the seed).</summary>
    public HandDiscriminator(int ch)
        : base("HandDiscriminator")
    {
        c0_0 = nn.Conv2d(3, ch / 8, kernel_size: 3, stride: 1, padding: 1);
        c0_1 = nn.Conv2d(ch / 8, ch / 4, kernel_size: 4, stride: 2, padding: 1);
        bn0_1 = NoGammaBatchNorm(ch / 4);
        c1_0 = nn.Conv2d(ch / 4, ch / 4, kernel_size: 3, stride: 1, padding: 1);
        bn1_0 = NoGammaBatchNorm(ch / 4);
        c1_1 = nn.Conv2d(ch / 4, ch / 2, kernel_size: 4, stride: 2, padding: 1);
        bn1_1 = NoGammaBatchNorm(ch / 2);
        c2_0 = nn.Conv2d(ch / 2, ch / 2, kernel_size: 3, stride: 1, padding: 1);
        bn2_0 = NoGammaBatchNorm(ch / 2);
        c2_1 = nn.Conv2d(ch / 2, ch, kernel_size: 4, stride: 2, padding: 1);
        bn2_1 = NoGammaBatchNorm(ch);
        c3_0 = nn.Conv2d(ch, ch, kernel_size: 3, stride: 1, padding: 1);
        bn3_0 = NoGammaBatchNorm(ch);
        l4 = nn.Linear(4 * 4 * ch, 1);
        RegisterComponents();
        HandWrittenInit.Apply(this, 0.02);
    }

    /// <summary>Whether the Gaussian noise is added in training mode (switched off to compare with the generated module).</summary>
    public bool NoiseEnabled { get; set; } = true;

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = Noise(x);
        h = Noise(c0_0.forward(h)).leaky_relu(0.2);
        h = Noise(bn0_1.forward(c0_1.forward(h))).leaky_relu(0.2);
        h = Noise(bn1_0.forward(c1_0.forward(h))).leaky_relu(0.2);
        h = Noise(bn1_1.forward(c1_1.forward(h))).leaky_relu(0.2);
        h = Noise(bn2_0.forward(c2_0.forward(h))).leaky_relu(0.2);
        h = Noise(bn2_1.forward(c2_1.forward(h))).leaky_relu(0.2);
        h = Noise(bn3_0.forward(c3_0.forward(h))).leaky_relu(0.2);
        return l4.forward(h.flatten(1)).MoveToOuterDisposeScope();
    }

    private static BatchNorm2d NoGammaBatchNorm(long features)
    {
        var bn = nn.BatchNorm2d(features, eps: 2e-5, momentum: 0.1);
        bn.weight!.requires_grad = false;
        return bn;
    }

    private Tensor Noise(Tensor h) => training && NoiseEnabled ? h + (randn_like(h) * 0.2) : h;
}

/// <summary>The DCGAN initialisation for stock modules: N(0, std) weights and zero biases for linear and convolution layers.</summary>
public static class HandWrittenInit
{
    /// <summary>
    /// Initialises <paramref name="module"/>'s layers in registration order (the order the generated module uses,
    /// so the same seed gives the same weights); BatchNorm keeps its defaults (scale 1, shift 0, statistics (0, 1)).
    /// </summary>
    public static void Apply(nn.Module module, double std)
    {
        ArgumentNullException.ThrowIfNull(module);
        using var noGrad = no_grad();
        foreach (var (_, m) in module.named_modules())
        {
            if (m is Linear or Conv2d or ConvTranspose2d)
            {
                foreach (var (name, p) in m.named_parameters(recurse: false))
                {
                    if (name == "weight")
                    {
                        p.normal_(0, std);
                    }
                    else
                    {
                        p.zero_();
                    }
                }
            }
        }
    }

    /// <summary>
    /// Copies every tensor of <paramref name="source"/>'s state_dict into the entry of the same name in
    /// <paramref name="target"/>; entries only the target has (a BatchNorm scale fixed at 1) must already hold their value.
    /// </summary>
    /// <exception cref="InvalidOperationException">A source entry is missing from the target or has another shape.</exception>
    public static void CopyState(nn.Module source, nn.Module target)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        using var noGrad = no_grad();
        var to = target.state_dict();
        foreach (var (name, t) in source.state_dict())
        {
            if (!to.TryGetValue(name, out var dst))
            {
                throw new InvalidOperationException($"'{name}' has no counterpart in {target.GetName()}");
            }

            if (!dst.shape.SequenceEqual(t.shape))
            {
                throw new InvalidOperationException($"'{name}' is ({string.Join(", ", t.shape)}) in the source but ({string.Join(", ", dst.shape)}) in {target.GetName()}");
            }

            dst.copy_(t);
        }
    }
}
