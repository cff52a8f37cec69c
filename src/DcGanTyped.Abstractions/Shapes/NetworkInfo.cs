namespace DcGanTyped.Shapes;

/// <summary>The kinds of layer a network can declare.</summary>
public enum LayerKind
{
    /// <summary>Fully connected layer; flattens a multi-dimensional input first, as Chainer's Linear does.</summary>
    Linear,

    /// <summary>2-d convolution.</summary>
    Conv2d,

    /// <summary>2-d transposed convolution (Chainer's Deconvolution2D).</summary>
    ConvTranspose2d,

    /// <summary>Batch normalisation over features of a vector input.</summary>
    BatchNorm1d,

    /// <summary>Batch normalisation over channels of an image input.</summary>
    BatchNorm2d,

    /// <summary>Rectified linear unit.</summary>
    ReLU,

    /// <summary>Leaky rectified linear unit.</summary>
    LeakyReLU,

    /// <summary>Logistic sigmoid.</summary>
    Sigmoid,

    /// <summary>Reshape to a declared shape.</summary>
    Reshape,

    /// <summary>Flatten to a vector.</summary>
    Flatten,

    /// <summary>Additive Gaussian noise, active only in training.</summary>
    GaussianNoise,
}

/// <summary>Static description of one layer, computed at compile time by the source generator.</summary>
/// <param name="Name">Field and state_dict prefix (declared, or derived from the kind and position).</param>
/// <param name="Kind">The layer kind.</param>
/// <param name="OutputShape">Output shape without the batch dimension.</param>
/// <param name="Parameters">Number of trainable parameters.</param>
/// <param name="Flops">Forward floating-point operations per sample (a multiply-add counts as two).</param>
public sealed record LayerInfo(string Name, LayerKind Kind, Shape OutputShape, long Parameters, long Flops);

/// <summary>Static description of a network, available without loading any native library.</summary>
/// <param name="Name">The declaring record's name.</param>
/// <param name="InputShape">Input shape without the batch dimension.</param>
/// <param name="OutputShape">Output shape without the batch dimension.</param>
/// <param name="Layers">Layers in execution order.</param>
public sealed record NetworkInfo(string Name, Shape InputShape, Shape OutputShape, IReadOnlyList<LayerInfo> Layers)
{
    /// <summary>Total trainable parameters.</summary>
    public long Parameters => Layers.Sum(l => l.Parameters);

    /// <summary>Total forward FLOPs per sample.</summary>
    public long Flops => Layers.Sum(l => l.Flops);
}
