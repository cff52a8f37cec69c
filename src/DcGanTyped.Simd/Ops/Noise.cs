// Shape contract: elementwise; y = x + sigma * n with n ~ N(0, 1) drawn from the network's NoiseSource, in
// training mode while enabled; otherwise y is x itself. The gradient passes through unchanged.
namespace DcGanTyped.Simd;

/// <summary>Additive Gaussian noise (the Chainer example's <c>add_noise</c>), active only in training.</summary>
public sealed class GaussianNoise(string name, float sigma) : Layer(name)
{
    private readonly Tensor output = Tensor.Empty();

    /// <summary>Standard deviation of the noise.</summary>
    public float Sigma { get; } = sigma;

    /// <summary>When false the layer is the identity even in training.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Random source; a network sets its own when the layer is added.</summary>
    public NoiseSource Source { get; set; } = new(0);

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x, bool training)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (!training || !Enabled || Sigma == 0)
        {
            return x;
        }

        // One pass: the noise is added as it is drawn (the same bits as a fill followed by an add).
        Source.AddNormal(x.Span, output.ResizeLike(x).Span, Sigma);
        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput) => gradOutput;
}
