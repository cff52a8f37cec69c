using static TorchSharp.torch;

namespace DcGanTyped.Torch.Layers;

/// <summary>Adds N(0, sigma) noise in training mode (Chainer example's <c>add_noise</c>); identity in evaluation.</summary>
public sealed class GaussianNoise : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the layer.</summary>
    public GaussianNoise(string name, double sigma)
        : base(name) => Sigma = sigma;

    /// <summary>Standard deviation of the noise.</summary>
    public double Sigma { get; }

    /// <summary>When false the layer is the identity even in training (used to compare engines).</summary>
    public bool Enabled { get; set; } = true;

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
        => training && Enabled ? input + (randn_like(input) * Sigma) : input.alias();
}
