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

    /// <summary>
    /// The generator the noise is drawn from; the global one of the input's device when null. A generator of its own
    /// on the training device makes the noise stream savable on CUDA too (libtorch's global state functions only
    /// cover the CPU generator).
    /// </summary>
    public Generator? Generator { get; set; }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        if (!training || !Enabled)
        {
            return input.alias();
        }

        var noise = Generator is null
            ? randn_like(input)
            : randn(input.shape, dtype: input.dtype, device: input.device, generator: Generator);
        return input + (noise * Sigma);
    }
}
