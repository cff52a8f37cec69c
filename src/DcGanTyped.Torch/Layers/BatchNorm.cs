using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DcGanTyped.Torch.Layers;

/// <summary>
/// Batch normalisation as Chainer's <c>L.BatchNormalization</c>: batch statistics in training, running averages
/// (decay = 1 - momentum, unbiased variance) in evaluation, and an optional learnable scale. Without a scale the
/// layer has only <c>bias</c> as a parameter (Chainer's <c>use_gamma=False</c>). Works for (N, C) and (N, C, H, W).
/// </summary>
public sealed class BatchNorm : nn.Module<Tensor, Tensor>
{
    private readonly double eps;
    private readonly double momentum;

    /// <summary>Learnable scale, or null when the layer has none.</summary>
    public Parameter? weight;

    /// <summary>Learnable shift.</summary>
    public Parameter bias;

    /// <summary>Running mean.</summary>
    public Tensor running_mean;

    /// <summary>Running (unbiased) variance.</summary>
    public Tensor running_var;

    /// <summary>Creates the layer.</summary>
    /// <param name="name">Module name.</param>
    /// <param name="features">Features (1-d) or channels (2-d).</param>
    /// <param name="eps">Added to the variance.</param>
    /// <param name="decay">Running-average decay (0.9 in Chainer, which is TorchSharp momentum 0.1).</param>
    /// <param name="gamma">Whether a learnable scale exists.</param>
    public BatchNorm(string name, long features, double eps, double decay, bool gamma)
        : base(name)
    {
        this.eps = eps;
        momentum = 1.0 - decay;
        Features = features;
        weight = gamma ? new Parameter(ones(features)) : null;
        bias = new Parameter(zeros(features));
        running_mean = zeros(features);
        running_var = ones(features);
        if (weight is not null)
        {
            register_parameter("weight", weight);
        }

        register_parameter("bias", bias);
        register_buffer("running_mean", running_mean);
        register_buffer("running_var", running_var);
    }

    /// <summary>Number of features or channels.</summary>
    public long Features { get; }

    /// <summary>Resets the scale to one, the shift to zero and the running statistics to (0, 1).</summary>
    public void ResetParameters()
    {
        using var noGrad = no_grad();
        weight?.fill_(1);
        bias.zero_();
        running_mean.zero_();
        running_var.fill_(1);
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
        => nn.functional.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps);
}
